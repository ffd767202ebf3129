import { Option, type Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { BACKEND_PREFERENCES, type BackendPreference } from '../../src/training/backend-preference.js';
import { gpuIds, positiveInteger } from '../option-parsers.js';
import { checkpointsOption, dbOption, logFileOption, logLevelOption } from '../shared-options.js';

export interface SessionFlags {
  db: string;
  checkpoints?: string;
  threads?: number;
  /** `--gpus`: the devices command runs get; absent: nvidia-smi's, when the sweep asks for any. */
  gpus?: string[];
  backend: BackendPreference;
  logFile?: string;
  /** Where command trials' output is written. */
  logs?: string;
  logLevel: LevelWithSilent;
  progress: boolean;
  json?: boolean;
  /** `resume` only. */
  takeOver?: boolean;
}

/** Options shared by `run` and `resume`, which both run a sweep here. */
export function addSessionOptions(command: Command): Command {
  return command
    .addOption(dbOption())
    .addOption(checkpointsOption())
    .option('--threads <n>', 'worker threads (default: the number of cores)', positiveInteger)
    .option(
      '--gpus <ids>',
      'devices to hand to command runs that ask for resources.gpus, e.g. 0,1,2,3, or none (default: those nvidia-smi -L lists)',
      gpuIds,
    )
    .addOption(
      new Option('--backend <name>', 'TensorFlow.js backend: auto uses tfjs-node when installed, else wasm')
        .choices(BACKEND_PREFERENCES)
        .default('auto'),
    )
    .option('--logs <dir>', "where command trials' stdout and stderr go (default: the temp dir's sweeper-logs)")
    .addOption(
      logFileOption(
        'write JSON logs here (default: <db>.log, or sweeper.log for a database server, with a progress bar; else standard error)',
      ),
    )
    .addOption(logLevelOption('info'))
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option('--json', 'print the result as JSON (see docs/cli.md, "JSON output")');
}
