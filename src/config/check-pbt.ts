import type { PathProblem } from '../errors/path-problem.js';
import type { SearchSpaceDefinition } from '../space/param-spec.js';
import type { TaskSections } from './task-sections.js';
import type { SweepFile } from './sweep-schema.js';

/**
 * The settings PBT may change between a member's segments: a member goes on from another's
 * checkpoint, so everything that shapes the model or its optimizer's slots (depth, widths,
 * activation, initializer, optimizer, the schedule) must be the same for all of them.
 */
export const EXPLORABLE_SETTINGS: readonly string[] = [
  'learning_rate',
  'momentum',
  'rho',
  'beta1',
  'beta2',
  'epsilon',
  'l2',
  'dropout',
  'batch_size',
];

/**
 * What a sweep with `scheduler: pbt` cannot also have: PBT decides itself which members go on
 * (no pruner, no early stopping), draws its first population at random, has as many trials as
 * members, trains each member once (one repeat) from checkpoints of built-in training.
 */
export function pbtProblems(file: SweepFile, sections: TaskSections, space: SearchSpaceDefinition | undefined): PathProblem[] {
  const scheduler = file.scheduler;
  if (!scheduler) return [];
  const problems: PathProblem[] = [];
  const refuse = (path: (string | number)[], message: string): void => void problems.push({ path, message });
  if (sections.type !== 'train') {
    refuse(
      ['scheduler'],
      `needs built-in training (dataset and training), whose checkpoints hold the whole training state; this sweep runs ${sections.type === 'synthetic' ? 'the synthetic task' : `your ${sections.type}`}`,
    );
    return problems;
  }
  if (scheduler.interval >= sections.training.epochs)
    refuse(
      ['scheduler', 'interval'],
      `must be less than training.epochs (${sections.training.epochs}): members decide every interval epochs, before their last one, but got ${scheduler.interval}`,
    );
  if (file.pruner && file.pruner.type !== 'none')
    refuse(['pruner'], 'cannot be combined with scheduler pbt: PBT decides which members go on');
  if (file.early_stopping) refuse(['early_stopping'], 'cannot be combined with scheduler pbt: every member trains to training.epochs');
  if ((file.repeats ?? 1) !== 1) refuse(['repeats'], `must be 1 with scheduler pbt (a member is one run), but got ${file.repeats}`);
  if (file.checkpoint?.every === 0)
    refuse(['checkpoint', 'every'], 'must be at least 1 with scheduler pbt: members go on from checkpoints');
  if (file.sampler && file.sampler.type !== 'random')
    refuse(
      ['sampler', 'type'],
      `must be "random" with scheduler pbt (the first population is drawn at random), but got "${file.sampler.type}"`,
    );
  const trials = file.budget?.trials;
  if (trials !== undefined && trials !== scheduler.population)
    refuse(
      ['budget', 'trials'],
      `must be the population (${scheduler.population}) or left out with scheduler pbt: each member is one trial, but got ${trials}`,
    );
  if (file.budget?.max_concurrent !== undefined)
    refuse(['budget', 'max_concurrent'], 'cannot be set with scheduler pbt: every member must reach each decision point');
  for (const name of Object.keys(space ?? {})) {
    if (!EXPLORABLE_SETTINGS.includes(name))
      refuse(
        ['space', name],
        `cannot be searched with scheduler pbt: members go on from each other's checkpoints, so ${name} must be fixed (in model or training); PBT explores ${EXPLORABLE_SETTINGS.join(', ')}`,
      );
  }
  return problems;
}
