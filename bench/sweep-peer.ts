import type { StudyDefinition } from '../src/store/study-definition.js';

/** The settings python/sweep.py builds and trains: an MLP with SGD (momentum) or Adam. */
const PEER_SETTINGS = new Set([
  'optimizer',
  'learning_rate',
  'momentum',
  'beta1',
  'beta2',
  'epsilon',
  'batch_size',
  'depth',
  'width',
  'activation',
  'initializer',
  'dropout',
  'leaky_alpha',
  'elu_alpha',
]);
const PEER_OPTIMIZERS = new Set(['sgd', 'adam']);
const PEER_SAMPLERS = new Set(['tpe', 'random', 'grid']);

/**
 * Why the Optuna + PyTorch side cannot run this sweep as ours does, or undefined when it can.
 * The peer is written for the sweeps bench:sweep times (the quick start, report 000's grids):
 * a sweep outside that gets ours alone and this reason, never a peer that trains something else.
 */
export function peerProblem(definition: StudyDefinition): string | undefined {
  const task = definition.task;
  if (task?.type !== 'train') return 'the peer trains built-in models only';
  const { model, training } = task;
  if (model.architecture !== 'mlp' || model.batch_norm || model.l2 !== 0) return 'the peer builds plain MLPs (no batch norm, no L2)';
  if (training.lr_schedule !== 'constant' || training.batch_size_change_epoch !== 0)
    return 'the peer keeps the learning rate and batch size fixed';
  if (definition.objective.metric !== 'val_accuracy' || definition.objective.direction !== 'maximize')
    return 'the peer maximises val_accuracy';
  if (!PEER_SAMPLERS.has(definition.sampler.type)) return `the peer has no ${definition.sampler.type} sampler`;
  if (
    definition.repeats !== 1 ||
    (definition.pruner && definition.pruner.type !== 'none') ||
    definition.earlyStopping ||
    definition.scheduler
  )
    return 'the peer runs each configuration once, without pruning or early stopping';
  for (const [name, param] of Object.entries(definition.space)) {
    if (!PEER_SETTINGS.has(name)) return `the peer does not set ${name}`;
    if (definition.sampler.type === 'grid' && param.when) return 'the peer runs grids without conditional parameters';
    if (name === 'optimizer' && param.type === 'categorical' && !param.choices.every((choice) => PEER_OPTIMIZERS.has(String(choice))))
      return 'the peer trains with sgd or adam';
  }
  if (!PEER_OPTIMIZERS.has(training.optimizer)) return 'the peer trains with sgd or adam';
  return undefined;
}
