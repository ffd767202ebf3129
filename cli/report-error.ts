import { CommanderError } from 'commander';
import { SweeperError, type SweeperErrorCode } from '../src/errors/sweeper-error.js';
import { hintFor } from './error-hints.js';
import { EXIT } from './exit-codes.js';
import { printErr } from './output/terminal.js';

/**
 * Failures the user can fix by changing what they typed; the others are exit code 1. A missing or
 * broken dataset file (DATA_ERROR) is one: it is fixed like a wrong path in the sweep file.
 */
const BAD_INPUT_CODES: ReadonlySet<SweeperErrorCode> = new Set([
  'INVALID_CONFIG',
  'DATA_ERROR',
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'FAILED_PRECONDITION',
  'UNAUTHENTICATED',
]);

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
    printErr(`error: ${error.message}\n`);
    const hint = hintFor(error);
    if (hint) printErr(`hint: ${hint}\n`);
    return BAD_INPUT_CODES.has(error.code) ? EXIT.BAD_INPUT : EXIT.FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  printErr(`error: ${message}\n`);
  if (process.env.SWEEPER_DEBUG && error instanceof Error && error.stack) printErr(`${error.stack}\n`);
  else printErr('hint: this looks like a bug in sweeper; run again with SWEEPER_DEBUG=1 for the stack trace\n');
  return EXIT.FAILURE;
}
