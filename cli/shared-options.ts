import { Option } from 'commander';
import type { LevelWithSilent } from 'pino';

export const DEFAULT_DB = './sweeper.db';

const LOG_LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'silent'];

/** `--db`, for every command that reads or writes a trial store. */
export function dbOption(): Option {
  return new Option('--db <path>', 'trial store (SQLite file)').default(DEFAULT_DB);
}

export function logFileOption(description = 'write JSON logs here (default: standard error)'): Option {
  return new Option('--log-file <path>', description);
}

export function logLevelOption(level: LevelWithSilent): Option {
  return new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default(level);
}
