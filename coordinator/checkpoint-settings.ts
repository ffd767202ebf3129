import type { StudyDefinition } from '../src/store/study-definition.js';

export interface CheckpointSettings {
  /** A checkpoint after every `every`-th epoch; 0: none. */
  readonly every: number;
  /** The best `keep` COMPLETE trials keep their final checkpoints; the others' are deleted when they end. */
  readonly keep: number;
}

/**
 * Task kinds whose runs save checkpoints: built-in training captures its whole state itself; a
 * user's program or module saves into SWEEPER_CHECKPOINT_DIR what it needs to go on.
 */
const CHECKPOINTED = new Set(['train', 'command', 'module']);

/** The study's `checkpoint:` section with its defaults: every epoch, none kept once trials end. */
export function checkpointSettings(definition: StudyDefinition): CheckpointSettings {
  if (!definition.task || !CHECKPOINTED.has(definition.task.type)) return { every: 0, keep: 0 };
  return { every: definition.checkpoint?.every ?? 1, keep: definition.checkpoint?.keep ?? 0 };
}
