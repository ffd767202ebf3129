/**
 * Schema migrations, applied in order, each in its own transaction. `PRAGMA user_version`
 * holds the version reached; `schema_migrations` keeps when each one was applied.
 * Never edit a migration that has shipped: add the next one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'studies, trials, parameters, epochs, repeats and results',
    sql: `
      CREATE TABLE schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TEXT NOT NULL
      );

      CREATE TABLE studies (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        created_at    TEXT NOT NULL,
        direction     TEXT NOT NULL CHECK (direction IN ('maximize', 'minimize')),
        metric        TEXT NOT NULL,
        budget_trials INTEGER CHECK (budget_trials IS NULL OR budget_trials > 0),
        definition    TEXT NOT NULL CHECK (json_valid(definition)),
        source_text   TEXT,
        source_format TEXT CHECK (source_format IN ('yaml', 'json')),
        source_path   TEXT,
        owner         TEXT CHECK (owner IS NULL OR json_valid(owner))
      );

      CREATE TABLE trials (
        id          INTEGER PRIMARY KEY,
        study_id    INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
        number      INTEGER NOT NULL CHECK (number >= 0),
        state       TEXT NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAILED')),
        attempt     INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
        worker      TEXT,
        queued_at   TEXT NOT NULL,
        started_at  TEXT,
        finished_at TEXT,
        reason      TEXT,
        UNIQUE (study_id, number)
      );
      CREATE INDEX trials_by_state ON trials (study_id, state);

      CREATE TABLE trial_params (
        trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
        name     TEXT NOT NULL,
        value    TEXT NOT NULL CHECK (json_valid(value)),
        PRIMARY KEY (trial_id, name)
      ) WITHOUT ROWID;

      CREATE TABLE trial_epochs (
        trial_id       INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
        repeat         INTEGER NOT NULL CHECK (repeat >= 0),
        epoch          INTEGER NOT NULL CHECK (epoch >= 1),
        train_loss     REAL,
        train_accuracy REAL,
        val_loss       REAL,
        val_accuracy   REAL,
        learning_rate  REAL,
        epoch_seconds  REAL,
        PRIMARY KEY (trial_id, repeat, epoch)
      ) WITHOUT ROWID;

      CREATE TABLE trial_repeats (
        trial_id      INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
        repeat        INTEGER NOT NULL CHECK (repeat >= 0),
        seed          INTEGER NOT NULL,
        value         REAL,
        epochs        INTEGER NOT NULL,
        best_epoch    INTEGER NOT NULL,
        train_seconds REAL NOT NULL,
        finished_at   TEXT NOT NULL,
        PRIMARY KEY (trial_id, repeat)
      ) WITHOUT ROWID;

      -- One row per trial at most (the primary key): a trial has exactly one final result.
      CREATE TABLE trial_results (
        trial_id      INTEGER PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
        study_id      INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
        value         REAL,
        value_std     REAL,
        repeats       INTEGER NOT NULL,
        epochs        INTEGER NOT NULL,
        best_epoch    INTEGER NOT NULL,
        train_seconds REAL NOT NULL
      );
      CREATE INDEX trial_results_by_value ON trial_results (study_id, value);

      -- The invariants, enforced by the database itself so that no code path can break them.
      CREATE TRIGGER complete_trial_is_final BEFORE UPDATE ON trials
        WHEN OLD.state = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;

      CREATE TRIGGER complete_trial_has_result BEFORE UPDATE OF state ON trials
        WHEN NEW.state = 'COMPLETE' AND NOT EXISTS (SELECT 1 FROM trial_results WHERE trial_id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'a COMPLETE trial needs its result'); END;

      CREATE TRIGGER complete_trial_keeps_params_insert BEFORE INSERT ON trial_params
        WHEN (SELECT state FROM trials WHERE id = NEW.trial_id) = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;
      CREATE TRIGGER complete_trial_keeps_params_update BEFORE UPDATE ON trial_params
        WHEN (SELECT state FROM trials WHERE id = OLD.trial_id) = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;
      CREATE TRIGGER complete_trial_keeps_params_delete BEFORE DELETE ON trial_params
        WHEN (SELECT state FROM trials WHERE id = OLD.trial_id) = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;

      CREATE TRIGGER complete_trial_keeps_epochs_insert BEFORE INSERT ON trial_epochs
        WHEN (SELECT state FROM trials WHERE id = NEW.trial_id) = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;
      CREATE TRIGGER complete_trial_keeps_epochs_update BEFORE UPDATE ON trial_epochs
        WHEN (SELECT state FROM trials WHERE id = OLD.trial_id) = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;
      CREATE TRIGGER complete_trial_keeps_epochs_delete BEFORE DELETE ON trial_epochs
        WHEN (SELECT state FROM trials WHERE id = OLD.trial_id) = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;

      CREATE TRIGGER complete_trial_keeps_repeats_insert BEFORE INSERT ON trial_repeats
        WHEN (SELECT state FROM trials WHERE id = NEW.trial_id) = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;
      CREATE TRIGGER complete_trial_keeps_repeats_update BEFORE UPDATE ON trial_repeats
        WHEN (SELECT state FROM trials WHERE id = OLD.trial_id) = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;
      CREATE TRIGGER complete_trial_keeps_repeats_delete BEFORE DELETE ON trial_repeats
        WHEN (SELECT state FROM trials WHERE id = OLD.trial_id) = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;

      CREATE TRIGGER result_is_written_once_insert BEFORE INSERT ON trial_results
        WHEN (SELECT state FROM trials WHERE id = NEW.trial_id) IN ('COMPLETE', 'PRUNED', 'FAILED')
        BEGIN SELECT RAISE(ABORT, 'a finished trial already has its final result'); END;
      CREATE TRIGGER result_is_written_once_update BEFORE UPDATE ON trial_results
        BEGIN SELECT RAISE(ABORT, 'a final result cannot change'); END;
      CREATE TRIGGER complete_trial_keeps_result_delete BEFORE DELETE ON trial_results
        WHEN (SELECT state FROM trials WHERE id = OLD.trial_id) = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;
    `,
  },
  {
    version: 2,
    name: 'studies hosted by a coordinator',
    sql: `
      -- 1 while a study belongs to a coordinator (\`sweeper submit\`): a coordinator started on
      -- this store resumes its unfinished hosted studies by itself.
      ALTER TABLE studies ADD COLUMN hosted INTEGER NOT NULL DEFAULT 0 CHECK (hosted IN (0, 1));
    `,
  },
  {
    version: 3,
    name: 'mutual information per epoch, test evaluation per repeat',
    sql: `
      ALTER TABLE trial_epochs ADD COLUMN mutual_information REAL;
      -- The repeat's TestEvaluation as JSON (best epoch, loss, accuracy, confusion matrix): read
      -- whole, never queried inside; the accuracy a query sorts by is in trial_results.
      ALTER TABLE trial_repeats ADD COLUMN test TEXT CHECK (test IS NULL OR json_valid(test));
      ALTER TABLE trial_results ADD COLUMN test_accuracy REAL;
    `,
  },
  {
    version: 4,
    name: 'trials by parameter value, for queries',
    sql: `
      -- \`sweeper best --where NAME=VALUE\` and \`--group-by NAME\`: the trials where a parameter
      -- takes a value, without reading every parameter of every trial.
      CREATE INDEX trial_params_by_value ON trial_params (name, value);
    `,
  },
  {
    version: 5,
    name: 'lost attempts per trial, for the retry limit',
    sql: `
      -- Attempts whose run was lost (worker dead or silent), apart from all attempts: a trial
      -- interrupted by coordinator restarts must not run out of retries. Trials of older stores
      -- start at 0, so none fails sooner than it would have.
      ALTER TABLE trials ADD COLUMN lost_attempts INTEGER NOT NULL DEFAULT 0 CHECK (lost_attempts >= 0);
    `,
  },
  {
    version: 6,
    name: "metrics beyond the built-in ones per epoch, the end of each run's output",
    sql: `
      -- A user's own code (command: or module: tasks) reports metrics of any name: those beyond the
      -- columns above, as a JSON object by snake_case name ({"val_f1": 0.8}), read whole.
      ALTER TABLE trial_epochs ADD COLUMN extra TEXT CHECK (extra IS NULL OR json_valid(extra));
      -- The end of what each repeat's run printed (RunOutcome.log, bounded), whatever its outcome:
      -- a FAILED repeat has no row in trial_repeats but keeps its log here, for \`sweeper logs\`.
      CREATE TABLE trial_logs (
        trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
        repeat   INTEGER NOT NULL CHECK (repeat >= 0),
        log      TEXT NOT NULL,
        PRIMARY KEY (trial_id, repeat)
      ) WITHOUT ROWID;
      CREATE TRIGGER complete_trial_keeps_logs_insert BEFORE INSERT ON trial_logs
        WHEN (SELECT state FROM trials WHERE id = NEW.trial_id) = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;
      CREATE TRIGGER complete_trial_keeps_logs_update BEFORE UPDATE ON trial_logs
        WHEN (SELECT state FROM trials WHERE id = OLD.trial_id) = 'COMPLETE'
        BEGIN SELECT RAISE(ABORT, 'trial is COMPLETE and cannot change'); END;
    `,
  },
  {
    version: 7,
    name: 'the latest checkpoint of each run',
    sql: `
      -- One row per repeat: its latest checkpoint, whose bytes are a file in the folder beside the
      -- store (\`file\`, relative to it), never in a row. A re-queued trial keeps the epochs of each
      -- unfinished repeat up to its checkpoint's epoch: the next attempt goes on from there.
      CREATE TABLE trial_checkpoints (
        trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
        repeat   INTEGER NOT NULL CHECK (repeat >= 0),
        attempt  INTEGER NOT NULL CHECK (attempt >= 1),
        epoch    INTEGER NOT NULL CHECK (epoch >= 1),
        bytes    INTEGER NOT NULL CHECK (bytes > 0),
        sha256   TEXT NOT NULL CHECK (length(sha256) = 64),
        file     TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (trial_id, repeat)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    name: "the segments of Population Based Training's members",
    sql: `
      -- A PBT member's epochs from from_epoch on were trained with params, going on from the
      -- checkpoint of parent_id after epoch from_epoch - 1 (exploit), or from its own (parent_id
      -- NULL). Its first segment is the trial's own parameters from epoch 1, not a row here.
      CREATE TABLE trial_segments (
        trial_id   INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
        from_epoch INTEGER NOT NULL CHECK (from_epoch >= 2),
        params     TEXT NOT NULL CHECK (json_valid(params) AND json_type(params) = 'object'),
        parent_id  INTEGER REFERENCES trials (id) ON DELETE SET NULL CHECK (parent_id IS NULL OR parent_id <> trial_id),
        PRIMARY KEY (trial_id, from_epoch)
      ) WITHOUT ROWID;
      CREATE TRIGGER segment_of_running_trial BEFORE INSERT ON trial_segments
        WHEN (SELECT state FROM trials WHERE id = NEW.trial_id) <> 'RUNNING'
        BEGIN SELECT RAISE(ABORT, 'a segment is recorded only while its trial runs'); END;
      CREATE TRIGGER segment_parent_of_same_study BEFORE INSERT ON trial_segments
        WHEN NEW.parent_id IS NOT NULL
          AND (SELECT study_id FROM trials WHERE id = NEW.parent_id) IS NOT (SELECT study_id FROM trials WHERE id = NEW.trial_id)
        BEGIN SELECT RAISE(ABORT, 'a segment goes on from a member of its own study'); END;
      CREATE TRIGGER segments_stay BEFORE UPDATE ON trial_segments
        BEGIN SELECT RAISE(ABORT, 'a segment does not change once recorded'); END;
    `,
  },
];
