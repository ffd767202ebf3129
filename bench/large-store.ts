import Database from 'better-sqlite3';
import { SqliteTrialStore } from '../src/store/sqlite/sqlite-trial-store.js';
import type { StudyDefinition } from '../src/store/study-definition.js';

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
 * A SQLite store holding one study of `trials` COMPLETE trials of `epochs` epochs each: the study
 * through the store (its schema and triggers), then its trials in one transaction of INSERTs, far
 * faster than a trial's writes one by one.
 */
export async function buildLargeStore(path: string, name: string, trials: number, epochs: number): Promise<void> {
  const store = SqliteTrialStore.open(path);
  const { id: studyId } = await store.createStudy(definition(name, trials));
  await store.close();
  const db = new Database(path);
  const time = new Date().toISOString();
  const insertTrial = db.prepare(
    `INSERT INTO trials (study_id, number, state, attempt, worker, queued_at, started_at) VALUES (?, ?, 'RUNNING', 1, 'bench:1', ?, ?)`,
  );
  const insertParam = db.prepare('INSERT INTO trial_params (trial_id, name, value) VALUES (?, ?, ?)');
  const insertEpoch = db.prepare(
    'INSERT INTO trial_epochs (trial_id, repeat, epoch, train_loss, train_accuracy, val_loss, val_accuracy, learning_rate, epoch_seconds) VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertRepeat = db.prepare(
    'INSERT INTO trial_repeats (trial_id, repeat, seed, value, epochs, best_epoch, train_seconds, finished_at) VALUES (?, 0, 1, ?, ?, ?, 4, ?)',
  );
  const insertResult = db.prepare(
    'INSERT INTO trial_results (trial_id, study_id, value, repeats, epochs, best_epoch, train_seconds) VALUES (?, ?, ?, 1, ?, ?, 4)',
  );
  const finish = db.prepare(`UPDATE trials SET state = 'COMPLETE', finished_at = ? WHERE id = ?`);
  db.transaction(() => {
    for (let number = 0; number < trials; number++) {
      const learningRate = 1e-4 * 3000 ** ((number * 0.618) % 1);
      const id = Number(insertTrial.run(studyId, number, time, time).lastInsertRowid);
      insertParam.run(id, 'learning_rate', JSON.stringify(learningRate));
      insertParam.run(id, 'depth', JSON.stringify((number % 4) + 1));
      for (let epoch = 1; epoch <= epochs; epoch++)
        insertEpoch.run(id, epoch, 1 / epoch, 0.9 - 0.5 / epoch, 1.2 / epoch, 0.88 - 0.5 / epoch, learningRate, 0.8);
      const value = 0.88 - 0.5 / epochs;
      insertRepeat.run(id, value, epochs, epochs, time);
      insertResult.run(id, studyId, value, epochs, epochs);
      finish.run(time, id);
    }
  })();
  db.close();
}
