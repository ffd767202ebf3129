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

function formatProblems(source: string, problems: readonly ConfigProblem[]): string {
  const lines = problems.map((problem) => {
    const location = problem.line === undefined ? source : `${source}:${problem.line}:${problem.column ?? 1}`;
    const field = problem.field === '' ? '' : `${problem.field}: `;
    return `${location}: ${field}${problem.message}`;
  });
  return lines.length === 1 ? (lines[0] ?? '') : `${problems.length} problems:\n${lines.join('\n')}`;
}
