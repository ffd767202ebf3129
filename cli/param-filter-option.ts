import { InvalidArgumentError } from '../src/errors/invalid-argument-error.js';
import type { ParamSpec, ParamValue, SearchSpaceDefinition } from '../src/space/param-spec.js';
import type { ParamBounds, ParamComparison, ParamFilter } from '../src/store/records.js';

const CONDITION = /^([^<>=]+?)\s*(<=|>=|<|>|=)\s*(.*)$/s;
const EXAMPLES = 'e.g. --where optimizer=adam --where depth=2 --where "learning_rate<0.01"';

/**
 * `--where` options as a filter. `NAME=VALUE` values are typed by the study's own search space:
 * `depth=2` is the number 2, `batch_norm=true` the boolean, so that they match what was stored;
 * the same name given twice means either value. `NAME<X`, `<=`, `>`, `>=` bound a numeric
 * parameter (int, float, or categorical of numbers), and bounds of one name must all hold (`lr>=1e-4 --where lr<1e-2`).
 */
export function parseWhere(conditions: readonly string[], space: SearchSpaceDefinition, study: string): ParamFilter {
  const values: Record<string, ParamValue[]> = {};
  const bounds: Record<string, Partial<Record<ParamComparison, number>>> = {};
  for (const condition of conditions) {
    const match = CONDITION.exec(condition.trim());
    if (!match)
      throw new InvalidArgumentError(`--where must be NAME=VALUE or NAME<VALUE (also <=, >, >=), but got "${condition}"`, EXAMPLES);
    const [, rawName, op, rawValue] = match as unknown as [string, string, ParamComparison | '=', string];
    const name = rawName.trim();
    const spec = requireParam(space, name, study, '--where');
    const text = rawValue.trim();
    if (op === '=') {
      (values[name] ??= []).push(parseParamValue(name, text, spec));
      continue;
    }
    // A categorical of numbers (report 000's grid of learning rates) has an order; one of words does not.
    if (spec.type === 'categorical' && !spec.choices.every((choice) => typeof choice === 'number')) {
      throw new InvalidArgumentError(
        `--where ${name}${op}${text}: ${name} has choices that are not numbers, so it has no order; only numeric parameters take <, <=, > and >=`,
        `choose values with --where ${name}=VALUE`,
      );
    }
    const bound = Number(text);
    if (text === '' || !Number.isFinite(bound)) throw new InvalidArgumentError(`--where ${name}${op}: must be a number, but got "${text}"`);
    const own = (bounds[name] ??= {});
    if (own[op] !== undefined)
      throw new InvalidArgumentError(`--where ${name}${op} is given twice (${own[op]} and ${text}): give each bound once`);
    own[op] = bound;
  }
  for (const name of Object.keys(values)) {
    if (bounds[name])
      throw new InvalidArgumentError(
        `--where ${name}: give either values (${name}=A --where ${name}=B) or bounds (${name}>=A --where ${name}<B), not both`,
      );
  }
  return { ...values, ...(bounds as Record<string, ParamBounds>) };
}

/** The spec of a parameter the study searches over; a clear error naming it otherwise. */
export function requireParam(space: SearchSpaceDefinition, name: string, study: string, option: string): ParamSpec {
  const spec = space[name];
  if (!spec) {
    throw new InvalidArgumentError(
      `${option} ${name}: study "${study}" has no parameter "${name}"`,
      `its parameters are ${Object.keys(space).join(', ') || '(none)'}`,
    );
  }
  return spec;
}

function parseParamValue(name: string, text: string, spec: ParamSpec): ParamValue {
  const problem = (expected: string): InvalidArgumentError =>
    new InvalidArgumentError(`--where ${name}: must be ${expected}, but got "${text}"`);
  switch (spec.type) {
    case 'categorical': {
      // Choices keep their YAML types: "2" finds the choice 2, "true" the choice true.
      const choice =
        spec.choices.find((c) => String(c) === text) ??
        spec.choices.find((c) => typeof c === 'number' && text !== '' && Number(text) === c);
      if (choice === undefined) throw problem(`one of ${spec.choices.map(String).join(', ')}`);
      return choice;
    }
    case 'int': {
      const value = Number(text);
      if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(value)) throw problem('an integer');
      if (value < spec.low || value > spec.high) throw problem(`an integer from ${spec.low} to ${spec.high}`);
      return value;
    }
    case 'float': {
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) throw problem('a number');
      if (value < spec.low || value > spec.high) throw problem(`a number from ${spec.low} to ${spec.high}`);
      return value;
    }
  }
}
