import { ConfigError } from '../errors/config-error.js';
import { formatPath, type PathProblem } from '../errors/path-problem.js';
import { zodProblems } from '../validation/zod-problems.js';
import { checkSearchSpace } from './check-search-space.js';
import type { ParamSpec, ParamValues, SearchSpaceDefinition } from './param-spec.js';
import { searchSpaceSchema } from './space-schema.js';
import { valueProblem } from './value-problem.js';

/**
 * A validated search space. Parameters are kept in an order where every parameter comes after
 * the parameters its condition names, so one pass decides which parameters a trial has.
 */
export class SearchSpace {
  /** Parameter names, parents before the parameters conditional on them. */
  readonly order: readonly string[];

  private constructor(readonly definition: SearchSpaceDefinition) {
    this.order = conditionOrder(definition);
  }

  /** Validates a space written by a user (sweep file or API); throws ConfigError listing every problem. */
  static parse(input: unknown, source = 'search space'): SearchSpace {
    const parsed = searchSpaceSchema.safeParse(input);
    if (!parsed.success) {
      throw toConfigError(source, zodProblems(searchSpaceSchema, input, parsed.error.issues));
    }
    const checked = checkSearchSpace(parsed.data);
    if (!checked.space) throw toConfigError(source, checked.problems);
    return new SearchSpace(checked.space);
  }

  /** Rebuilds a space from its normalised definition (e.g. as kept in the store). */
  static fromDefinition(definition: SearchSpaceDefinition): SearchSpace {
    return SearchSpace.parse(definition);
  }

  get names(): string[] {
    return Object.keys(this.definition);
  }

  param(name: string): ParamSpec {
    const param = this.definition[name];
    if (!param) throw new RangeError(`no parameter named ${name} in the search space`);
    return param;
  }

  /** Whether `name` exists given the values already chosen for the parameters before it. */
  isActive(name: string, values: ParamValues): boolean {
    const when = this.param(name).when;
    if (!when) return true;
    return Object.entries(when).every(([parent, allowed]) => {
      const value = values[parent];
      return value !== undefined && allowed.includes(value);
    });
  }

  /**
   * Problems with a complete set of parameter values: unknown names, missing or superfluous
   * conditional parameters, and values outside their distribution.
   */
  checkValues(values: ParamValues): PathProblem[] {
    const problems: PathProblem[] = [];
    for (const name of Object.keys(values)) {
      if (!(name in this.definition))
        problems.push({ path: [name], message: `is not a parameter of the search space (expected one of: ${this.names.join(', ')})` });
    }
    for (const name of this.order) {
      const value = values[name];
      const active = this.isActive(name, values);
      if (active && value === undefined) problems.push({ path: [name], message: 'is required' });
      else if (!active && value !== undefined)
        problems.push({ path: [name], message: `must be absent: its condition ${JSON.stringify(this.param(name).when)} does not hold` });
      else if (value !== undefined) {
        const problem = valueProblem(this.param(name), value);
        if (problem) problems.push({ path: [name], message: problem });
      }
    }
    return problems;
  }
}

function conditionOrder(definition: SearchSpaceDefinition): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  const place = (name: string): void => {
    if (placed.has(name)) return;
    placed.add(name);
    for (const parent of Object.keys(definition[name]?.when ?? {})) place(parent);
    order.push(name);
  };
  for (const name of Object.keys(definition)) place(name);
  return order;
}

function toConfigError(source: string, problems: readonly PathProblem[]): ConfigError {
  return new ConfigError(
    source,
    problems.map((p) => ({ field: formatPath(p.path), message: p.message })),
  );
}
