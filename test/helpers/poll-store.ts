import Database from 'better-sqlite3';

export interface TrialRow {
  number: number;
  state: string;
  attempt: number;
  worker: string | null;
  started_at: string | null;
  finished_at: string | null;
  reason: string | null;
  value: number | null;
  test_accuracy: number | null;
  epochs: number;
}

/** Every trial of a study, read straight from the file (WAL lets us read while a sweep writes). */
export function readTrials(path: string, study: string): TrialRow[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT t.number, t.state, t.attempt, t.worker, t.started_at, t.finished_at, t.reason, r.value, r.test_accuracy,
                (SELECT COUNT(*) FROM trial_epochs e WHERE e.trial_id = t.id) AS epochs
         FROM trials t JOIN studies s ON s.id = t.study_id LEFT JOIN trial_results r ON r.trial_id = t.id
         WHERE s.name = ? ORDER BY t.number`,
      )
      .all(study) as TrialRow[];
  } finally {
    db.close();
  }
}

/** Waits until `predicate` holds for the study's trials (the store may not exist yet at first). */
export async function waitForTrials(
  path: string,
  study: string,
  predicate: (trials: TrialRow[]) => boolean,
  timeoutMs = 120_000,
): Promise<TrialRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const trials = readTrials(path, study);
      if (predicate(trials)) return trials;
    } catch {
      // not created yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the trials of ${study} in ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The epoch of each trial's latest checkpoint (its repeat 0's; these tests run one repeat), by
 * trial number, read straight from the store; empty while the store is being created.
 */
export function checkpointEpochs(path: string): Map<number, number> {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare('SELECT t.number, c.epoch FROM trial_checkpoints c JOIN trials t ON t.id = c.trial_id WHERE c.repeat = 0')
        .all() as {
        number: number;
        epoch: number;
      }[];
      return new Map(rows.map((row) => [row.number, row.epoch]));
    } finally {
      db.close();
    }
  } catch {
    // Not created yet, or its schema not yet made: no checkpoint so far.
    return new Map();
  }
}
