import { Option, type Command } from 'commander';
import type { LevelWithSilent, Logger } from 'pino';
import { createLogger } from '../../src/logging/create-logger.js';
import { BACKEND_PREFERENCES, type BackendPreference } from '../../src/training/backend-preference.js';
import { positiveInteger } from '../option-parsers.js';

export interface SessionFlags {
  db: string;
  threads?: number;
  backend: BackendPreference;
  logFile?: string;
  logLevel: LevelWithSilent;
  progress: boolean;
  json?: boolean;
}

/** Options shared by `run` and `resume`, which both run a sweep here. */
export function addSessionOptions(command: Command, defaultDb: string): Command {
  return command
    .option('--db <path>', 'trial store (SQLite file)', defaultDb)
    .option('--threads <n>', 'worker threads (default: the number of cores)', positiveInteger)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend: auto uses tfjs-node when installed, else wasm').choices(BACKEND_PREFERENCES).default('auto'))
    .option('--log-file <path>', 'write JSON logs here (default: <db>.log with a progress bar, else standard error)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'))
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option('--json', 'print the result as JSON (see README, "JSON output")');
}

/** With a progress bar on the terminal, logs go to a file so that they do not tear the bar. */
export function sessionLogger(flags: SessionFlags, showProgress: boolean): { logger: Logger; file?: string } {
  const file = flags.logFile ?? (showProgress ? `${flags.db}.log` : undefined);
  return { logger: createLogger({ ...(file !== undefined && { file }), level: flags.logLevel }), ...(file !== undefined && { file }) };
}
