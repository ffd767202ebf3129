import { SweeperError } from './sweeper-error.js';

/** One problem found in a sweep file or a search-space definition. */
export interface ConfigProblem {
  /** Dotted path of the offending field, e.g. `space.learning_rate.low`; empty for the root. */
  readonly field: string;
  /** What was expected and what was found, e.g. `must be > 0 for a log scale, but got 0`. */
  readonly message: string;
  /** 1-based line and column in the source file, when the input came from a file. */
  readonly line?: number;
  readonly column?: number;
}

/** A sweep file or search-space definition that cannot be used; lists every problem found. */
export class ConfigError extends SweeperError {
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super('INVALID_CONFIG', formatProblems(source, problems));
    this.name = 'ConfigError';
  }
}

/**
 * A hostile file can hold thousands of problems, or a value of a megabyte that a message quotes:
 * the user needs the first few, each on a line a terminal can show.
 */
const SHOWN_PROBLEMS = 20;
const LINE_CHARACTERS = 500;

function formatProblems(source: string, problems: readonly ConfigProblem[]): string {
  const lines = problems.slice(0, SHOWN_PROBLEMS).map((problem) => {
    const location = problem.line === undefined ? source : `${source}:${problem.line}:${problem.column ?? 1}`;
    const field = problem.field === '' ? '' : `${problem.field}: `;
    return shortened(`${location}: ${field}${problem.message}`);
  });
  if (lines.length === 1) return lines[0] ?? '';
  const shown = problems.length > SHOWN_PROBLEMS ? ` (the first ${SHOWN_PROBLEMS})` : '';
  return `${problems.length} problems${shown}:\n${lines.join('\n')}`;
}

function shortened(line: string): string {
  if (line.length <= LINE_CHARACTERS) return line;
  return `${line.slice(0, LINE_CHARACTERS)}… (${(line.length - LINE_CHARACTERS).toLocaleString('en')} more characters)`;
}
