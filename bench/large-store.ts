import Database from 'better-sqlite3';
import type { ParamValue } from '../src/space/param-spec.js';
import { SqliteTrialStore } from '../src/store/sqlite/sqlite-trial-store.js';
import type { StudyDefinition } from '../src/store/study-definition.js';

/** One trial as a benchmark wants it in its store, written in bulk by writeStudy. */
export interface BulkTrial {
  readonly state: 'COMPLETE' | 'PRUNED' | 'FAILED' | 'QUEUED';
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Per repeat, the recorded epochs (none for a trial without a curve). */
  readonly curves: readonly (readonly BulkEpoch[])[];
  /** COMPLETE and PRUNED trials: each repeat's result (its value, and its test evaluation as stored JSON, if any). */
  readonly repeats: readonly { readonly value: number; readonly test?: string }[];
  /** COMPLETE and PRUNED trials: the trial's result. */
  readonly result?: { readonly value: number; readonly std?: number; readonly testAccuracy?: number };
  /** How many epochs each repeat trained (repeat and result rows). */
  readonly epochs: number;
  /** PRUNED and FAILED trials: why. */
  readonly reason?: string;
}

export interface BulkEpoch {
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly learningRate: number;
}

/**
 * A SQLite store holding `definition`'s study and `trials`: the study through the store (its
 * schema, definition and triggers are the product's), then every trial, parameter, epoch, repeat
 * and result in one transaction of prepared INSERTs, far faster than a trial's writes one by one.
 * Each finished trial is inserted RUNNING and then moved to its state, so the store's invariant
 * triggers check it as they check a sweep. Returns the seconds the INSERTs took.
 */
export async function writeStudy(path: string, definition: StudyDefinition, trials: readonly BulkTrial[]): Promise<number> {
  const store = SqliteTrialStore.open(path);
  const { id: studyId } = await store.createStudy(definition);
  await store.close();
  const start = performance.now();
  const db = new Database(path);
  const time = new Date().toISOString();
  const insertTrial = db.prepare(
    'INSERT INTO trials (study_id, number, state, attempt, worker, queued_at, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertParam = db.prepare('INSERT INTO trial_params (trial_id, name, value) VALUES (?, ?, ?)');
  const insertEpoch = db.prepare(
    'INSERT INTO trial_epochs (trial_id, repeat, epoch, train_loss, train_accuracy, val_loss, val_accuracy, learning_rate, epoch_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0.8)',
  );
  const insertRepeat = db.prepare(
    'INSERT INTO trial_repeats (trial_id, repeat, seed, value, epochs, best_epoch, train_seconds, finished_at, test) VALUES (?, ?, ?, ?, ?, ?, 4, ?, ?)',
  );
  const insertResult = db.prepare(
    'INSERT INTO trial_results (trial_id, study_id, value, value_std, repeats, epochs, best_epoch, train_seconds, test_accuracy) VALUES (?, ?, ?, ?, ?, ?, ?, 4, ?)',
  );
  const finish = db.prepare('UPDATE trials SET state = ?, finished_at = ?, reason = ? WHERE id = ?');
  db.transaction(() => {
    trials.forEach((trial, number) => {
      const queued = trial.state === 'QUEUED';
      const id = Number(
        insertTrial.run(
          studyId,
          number,
          queued ? 'QUEUED' : 'RUNNING',
          queued ? 0 : 1,
          queued ? null : 'bench:1',
          time,
          queued ? null : time,
        ).lastInsertRowid,
      );
      for (const [name, value] of Object.entries(trial.params)) insertParam.run(id, name, JSON.stringify(value));
      if (queued) return;
      trial.curves.forEach((curve, repeat) =>
        curve.forEach((epoch, e) =>
          insertEpoch.run(id, repeat, e + 1, epoch.trainLoss, epoch.trainAccuracy, epoch.valLoss, epoch.valAccuracy, epoch.learningRate),
        ),
      );
      if (trial.state === 'FAILED') {
        finish.run('FAILED', time, trial.reason ?? null, id);
        return;
      }
      trial.repeats.forEach((repeat, index) =>
        insertRepeat.run(id, index, 1000 + index, repeat.value, trial.epochs, trial.epochs, time, repeat.test ?? null),
      );
      const result = trial.result;
      if (result)
        insertResult.run(
          id,
          studyId,
          result.value,
          result.std ?? null,
          trial.repeats.length,
          trial.epochs,
          trial.epochs,
          result.testAccuracy ?? null,
        );
      finish.run(trial.state, time, trial.reason ?? null, id);
    });
  })();
  db.close();
  return (performance.now() - start) / 1000;
}

function definition(name: string, trials: number): StudyDefinition {
  return {
    name,
    space: {
      learning_rate: { type: 'float', low: 1e-4, high: 0.3, log: true },
      depth: { type: 'int', low: 1, high: 4, log: false, step: 1 },
    },
    objective: { metric: 'val_accuracy', direction: 'maximize' },
    sampler: { type: 'random', seed: 1 },
    budget: { trials },
    repeats: 1,
    seed: 1,
  };
}

/**
 * A SQLite store holding one study of `trials` COMPLETE trials of `epochs` epochs each, one
 * repeat, a learning rate spread by the golden ratio and four depths (bench:store-check,
 * bench:readers).
 */
export async function buildLargeStore(path: string, name: string, trials: number, epochs: number): Promise<void> {
  const value = 0.88 - 0.5 / epochs;
  await writeStudy(
    path,
    definition(name, trials),
    Array.from({ length: trials }, (_, number): BulkTrial => {
      const learningRate = 1e-4 * 3000 ** ((number * 0.618) % 1);
      const curve = Array.from({ length: epochs }, (_, e): BulkEpoch => ({
        trainLoss: 1 / (e + 1),
        trainAccuracy: 0.9 - 0.5 / (e + 1),
        valLoss: 1.2 / (e + 1),
        valAccuracy: 0.88 - 0.5 / (e + 1),
        learningRate,
      }));
      return {
        state: 'COMPLETE',
        params: { learning_rate: learningRate, depth: (number % 4) + 1 },
        curves: [curve],
        repeats: [{ value }],
        result: { value },
        epochs,
      };
    }),
  );
}
