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

/** The name of a checkpoint's bytes: one per run and epoch, so a new one never overwrites the one it replaces. */
export function checkpointName(study: number, trial: number, record: Omit<CheckpointRecord, 'bytes' | 'sha256'>): string {
  return `study-${study}/trial-${trial}.repeat-${record.repeat}.attempt-${record.attempt}.epoch-${record.epoch}.swck`;
}
