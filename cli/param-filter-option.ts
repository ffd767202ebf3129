import { InvalidArgumentError } from '../src/errors/invalid-argument-error.js';
import type { ParamSpec, ParamValue, SearchSpaceDefinition } from '../src/space/param-spec.js';
import type { ParamFilter } from '../src/store/records.js';

/**
 * `--where NAME=VALUE` options as a filter, each value typed by the study's own search space:
 * `depth=2` is the number 2, `batch_norm=true` the boolean, so that they match what was stored.
 * The same name given twice means either value.
 */
export function parseWhere(conditions: readonly string[], space: SearchSpaceDefinition, study: string): ParamFilter {
  const filter: Record<string, ParamValue[]> = {};
  for (const condition of conditions) {
    const equals = condition.indexOf('=');
    if (equals <= 0) {
      throw new InvalidArgumentError(`--where must be NAME=VALUE, but got "${condition}"`, 'e.g. --where optimizer=adam --where depth=2');
    }
    const name = condition.slice(0, equals).trim();
    const spec = requireParam(space, name, study, '--where');
    const value = parseParamValue(name, condition.slice(equals + 1).trim(), spec);
    (filter[name] ??= []).push(value);
  }
  return filter;
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
  const problem = (expected: string): InvalidArgumentError => new InvalidArgumentError(`--where ${name}: must be ${expected}, but got "${text}"`);
  switch (spec.type) {
    case 'categorical': {
      // Choices keep their YAML types: "2" finds the choice 2, "true" the choice true.
      const choice = spec.choices.find((c) => String(c) === text) ?? spec.choices.find((c) => typeof c === 'number' && text !== '' && Number(text) === c);
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
