import type { PathProblem } from '../errors/path-problem.js';
import type { SearchSpaceDefinition } from '../space/param-spec.js';

/**
 * The batch-size change needs both its settings, and its epoch must come during training: a
 * setting that silently does nothing is a mistake the user would want to hear about.
 */
export function checkBatchSizeChange(
  training: { epochs: number; batch_size_change_epoch?: number; batch_size_after?: number },
  space: SearchSpaceDefinition | undefined,
): PathProblem[] {
  const searched = (name: string): boolean => space !== undefined && Object.hasOwn(space, name);
  const epoch = training.batch_size_change_epoch;
  const problems: PathProblem[] = [];
  if (training.batch_size_after !== undefined && !epoch && !searched('batch_size_change_epoch')) {
    problems.push({
      path: ['training', 'batch_size_after'],
      message: 'has no effect without training.batch_size_change_epoch (the first epoch with the new batch size)',
    });
  }
  if (epoch !== undefined && epoch > 0) {
    if (epoch === 1 || epoch > training.epochs) {
      problems.push({
        path: ['training', 'batch_size_change_epoch'],
        message: `must be between 2 and training.epochs (${training.epochs}) to change the batch size during training, or 0 for no change, but got ${epoch}`,
      });
    }
    if (training.batch_size_after === undefined && !searched('batch_size_after')) {
      problems.push({
        path: ['training', 'batch_size_after'],
        message: 'is required with training.batch_size_change_epoch: the batch size from that epoch on',
      });
    }
  }
  return problems;
}
