import { Option } from 'commander';
import type { LevelWithSilent } from 'pino';
import { nonEmpty, seconds } from './option-parsers.js';

export const DEFAULT_DB = './sweeper.db';
/** How long running trials get to finish on SIGTERM, in the coordinator and in a worker. */
export const DEFAULT_DRAIN_SECONDS = 30;

const LOG_LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'silent'];

/**
 * Environment variables that stand for options a user would otherwise type on every command; an
 * option on the command line wins over its variable, and --help names it.
 */
export const ENV = {
  db: 'SWEEPER_DB',
  checkpoints: 'SWEEPER_CHECKPOINTS',
  coordinator: 'SWEEPER_COORDINATOR',
  tokenFile: 'SWEEPER_TOKEN_FILE',
} as const;

/** `--db`, for every command that reads or writes a trial store. */
export function dbOption(): Option {
  return new Option('--db <path>', 'trial store: a SQLite file, or a PostgreSQL database (postgres://USER@HOST:PORT/DB)')
    .env(ENV.db)
    .argParser(nonEmpty)
    .default(DEFAULT_DB);
}

/** `--checkpoints`, for the commands that write or read checkpoints' bytes. */
export function checkpointsOption(): Option {
  return new Option(
    '--checkpoints <dir>',
    "checkpoints' folder for a PostgreSQL store, shared by its coordinators (default: ./sweeper-checkpoints; a SQLite store keeps them beside its file)",
  )
    .env(ENV.checkpoints)
    .argParser(nonEmpty);
}

/** `--token-file`, for every command that takes one: clients send the token, servers require it. */
export function tokenFileOption(description: string): Option {
  return new Option('--token-file <path>', description).env(ENV.tokenFile).argParser(nonEmpty);
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

/** `--take-over`, for `resume` and `coordinator`: for a person who knows the study's lock is wrong. */
export function takeOverOption(): Option {
  return new Option(
    '--take-over',
    'run a study even if its lock says another process still runs it (warns; for a process you know is gone)',
  );
}
