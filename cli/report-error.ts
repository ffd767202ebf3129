import { CommanderError } from 'commander';
import { SweeperError } from '../src/errors/sweeper-error.js';
import { EXIT } from './exit-codes.js';

/**
 * Prints an error as a message and a hint, never a stack trace (unless SWEEPER_DEBUG is set
 * for a bug report), and returns the exit code.
 */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its own message (unknown option, missing argument, --help).
    return error.exitCode === 0 ? EXIT.OK : EXIT.BAD_INPUT;
  }
  if (error instanceof SweeperError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    return error.code === 'INVALID_CONFIG' || error.code === 'INVALID_ARGUMENT' || error.code === 'NOT_FOUND' || error.code === 'ALREADY_EXISTS' || error.code === 'FAILED_PRECONDITION'
      ? EXIT.BAD_INPUT
      : EXIT.FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (process.env.SWEEPER_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('hint: this looks like a bug in sweeper; run again with SWEEPER_DEBUG=1 for the stack trace\n');
  return EXIT.FAILURE;
}
