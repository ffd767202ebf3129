import { Option } from 'commander';
import type { LevelWithSilent } from 'pino';
import { seconds } from './option-parsers.js';

export const DEFAULT_DB = './sweeper.db';
/** How long running trials get to finish on SIGTERM, in the coordinator and in a worker. */
export const DEFAULT_DRAIN_SECONDS = 30;

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

/**
 * A duration the user types in seconds and the code takes in milliseconds: help shows the default
 * in seconds, as it would be typed (commander would print the milliseconds).
 */
export function secondsOption(flags: string, description: string, defaultSeconds: number): Option {
  return new Option(flags, description).argParser(seconds).default(defaultSeconds * 1000, String(defaultSeconds));
}
