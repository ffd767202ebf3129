/** A repeat's latest checkpoint as the store lists it: where its bytes are is the store's business. */
export interface CheckpointRecord {
  readonly repeat: number;
  /** The attempt that saved it; a later attempt goes on from it. */
  readonly attempt: number;
  /** The epoch after which it was taken (1-based). */
  readonly epoch: number;
  readonly bytes: number;
  /** SHA-256 of the bytes, hex. */
  readonly sha256: string;
}

/** The folder of a study's checkpoints, relative to where a store keeps them. */
export function checkpointFolder(study: number): string {
  return `study-${study}`;
}

/** The trial whose checkpoint (or temporary file of one) a name in checkpointFolder is, or undefined. */
export function trialOfCheckpoint(name: string): number | undefined {
  const match = /^trial-(\d+)\./.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * The name of a checkpoint's bytes: one per run and epoch, so a new one never overwrites the one
 * it replaces; `copyOf`, a trial number, names a copy of that trial's checkpoint (PBT's exploit),
 * which replaces the run's own of the same epoch.
 */
export function checkpointName(
  study: number,
  trial: number,
  record: Omit<CheckpointRecord, 'bytes' | 'sha256'> & { readonly copyOf?: number },
): string {
  const copy = record.copyOf === undefined ? '' : `.from-${record.copyOf}`;
  return `${checkpointFolder(study)}/trial-${trial}.repeat-${record.repeat}.attempt-${record.attempt}.epoch-${record.epoch}${copy}.swck`;
}
