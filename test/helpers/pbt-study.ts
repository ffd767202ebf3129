import Database from 'better-sqlite3';

/**
 * A PBT sweep over SGD's learning rate (1e-4 to 1, log-uniform) for a small MLP on 3,000 real
 * digits: 8 members, 8 epochs, a decision point every 2 epochs. Drawn at random, some members
 * start with rates far too small to learn in 8 epochs; a few seconds on 2 cores.
 */
export const PBT_SWEEP = `study: lr
seed: 5
dataset: { name: bundled-mnist, limit: 3000, validation: 500, test: 500 }
model: { architecture: mlp, depth: 1, width: 64, activation: relu }
training: { epochs: 8, batch_size: 50, optimizer: sgd, learning_rate: 0.01 }
space:
  learning_rate: { type: float, low: 1.0e-4, high: 1.0, log: true }
scheduler: { type: pbt, population: 8, interval: 2 }
`;

/** The same members kept fixed: the same 8 configurations (the same seed, drawn at random), trained 8 epochs each. */
export const FIXED_SWEEP = PBT_SWEEP.replace('study: lr', 'study: fixed').replace(
  /^scheduler: .*$/m,
  'sampler: { type: random }\nbudget: { trials: 8 }',
);

export const POPULATION = 8;
export const EPOCHS = 8;

/** A PBT study as the store holds it, without the seconds (the one thing an interruption may change). */
export interface PbtStored {
  /** Per trial number: its epochs' metrics. */
  readonly epochs: Record<number, { epoch: number; learning_rate: number; val_accuracy: number; train_loss: number }[]>;
  readonly repeats: Record<number, unknown>;
  /** Every recorded segment: trial, from_epoch, params (JSON), parent (trial number or null). */
  readonly segments: { trial: number; from_epoch: number; params: string; parent: number | null }[];
  readonly states: Record<number, string>;
}

export function readPbtStored(db: string, study: string): PbtStored {
  const store = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const epochs: PbtStored['epochs'] = {};
    for (const row of store
      .prepare(
        `SELECT t.number, e.epoch, e.train_loss, e.train_accuracy, e.val_loss, e.val_accuracy, e.learning_rate
           FROM trial_epochs e JOIN trials t ON t.id = e.trial_id JOIN studies s ON s.id = t.study_id
           WHERE s.name = ? ORDER BY t.number, e.epoch`,
      )
      .all(study) as ({ number: number } & PbtStored['epochs'][number][number])[]) {
      const { number, ...metrics } = row;
      (epochs[number] ??= []).push(metrics);
    }
    const repeats: Record<number, unknown> = {};
    for (const row of store
      .prepare(
        `SELECT t.number, r.value, r.epochs, r.best_epoch, r.test FROM trial_repeats r JOIN trials t ON t.id = r.trial_id
           JOIN studies s ON s.id = t.study_id WHERE s.name = ? ORDER BY t.number`,
      )
      .all(study) as { number: number }[])
      repeats[row.number] = row;
    const segments = store
      .prepare(
        `SELECT t.number AS trial, g.from_epoch, g.params, p.number AS parent FROM trial_segments g
           JOIN trials t ON t.id = g.trial_id JOIN studies s ON s.id = t.study_id LEFT JOIN trials p ON p.id = g.parent_id
           WHERE s.name = ? ORDER BY t.number, g.from_epoch`,
      )
      .all(study) as PbtStored['segments'];
    const states: Record<number, string> = {};
    for (const row of store
      .prepare('SELECT t.number, t.state FROM trials t JOIN studies s ON s.id = t.study_id WHERE s.name = ?')
      .all(study) as { number: number; state: string }[])
      states[row.number] = row.state;
    return { epochs, repeats, segments, states };
  } finally {
    store.close();
  }
}

/** How many segments the study has recorded (each decision point records one per member); 0 while the store is being made. */
export function segmentCount(db: string): number {
  try {
    const store = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (store.prepare('SELECT COUNT(*) AS n FROM trial_segments').get() as { n: number }).n;
    } finally {
      store.close();
    }
  } catch {
    return 0;
  }
}
