import type { z } from 'zod';
import type { PathProblem } from '../errors/path-problem.js';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/**
 * Turns zod's issues into messages of the form "expected X, but got Y", in the words of YAML
 * (mapping, list) since most input comes from sweep files. Unknown keys list the known ones,
 * which zod's issue does not carry: they are looked up in the schema along the issue's path.
 */
export function zodProblems(schema: AnySchema, input: unknown, issues: readonly Issue[]): PathProblem[] {
  const problems: PathProblem[] = [];
  for (const issue of issues.flatMap(withinUnion)) {
    const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
    const value = valueAt(input, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(schemaAt(schema, input, path));
        for (const key of issue.keys) {
          const expected = known.length > 0 ? ` (expected one of: ${known.join(', ')})` : '';
          problems.push({ path: [...path, key], message: `unknown field${expected}` });
        }
        break;
      }
      case 'invalid_key': {
        const first = issue.issues[0];
        problems.push({ path, message: `is not a valid name: expected ${first?.message ?? 'a valid key'}` });
        break;
      }
      default:
        problems.push({ path, message: describeIssue(issue, value) });
    }
  }
  return problems;
}

/**
 * A union's issue, replaced by the issues of the one branch whose type the input has: for
 * `command:` (a list, or a mapping with `argv`), a mapping with a bad `timeout` is a problem with
 * `command.timeout`, not "expected a list or a mapping". Branch issues' paths are relative to the union.
 */
function withinUnion(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || 'discriminator' in issue) return [issue];
  const typeMatches = issue.errors.filter((branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
  const only = typeMatches[0];
  if (typeMatches.length !== 1 || only === undefined || only.length === 0) return [issue];
  return only.flatMap((inner) => withinUnion({ ...inner, path: [...issue.path, ...inner.path] }));
}

function describeIssue(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `is required (expected ${typeName(issue.expected)})`;
      return `expected ${typeName(issue.expected)}, but got ${describeValue(value)}`;
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${issue.minimum} item(s), but got ${describeValue(value)}`;
      if (issue.origin === 'string') return `must not be empty`;
      return `must be ${issue.inclusive ? '>=' : '>'} ${issue.minimum}, but got ${describeValue(value)}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${issue.maximum} item(s), but got ${describeValue(value)}`;
      return `must be ${issue.inclusive ? '<=' : '<'} ${issue.maximum}, but got ${describeValue(value)}`;
    case 'invalid_value':
      return `expected ${oneOf(issue.values)}, but got ${describeValue(value)}`;
    case 'invalid_union':
      {
        // Discriminated unions report the allowed tags in `options` (not in zod's issue types).
        const options = (issue as { options?: unknown }).options;
        if ('discriminator' in issue && Array.isArray(options)) {
          return value === undefined
            ? `is required (expected ${oneOf(options)})`
            : `expected ${oneOf(options)}, but got ${describeValue(value)}`;
        }
      }
      return `expected ${unionExpectation(issue)}, but got ${describeValue(value)}`;
    case 'invalid_format':
      return `expected ${issue.message}, but got ${describeValue(value)}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}, but got ${describeValue(value)}`;
    default:
      return issue.message;
  }
}

function unionExpectation(issue: Extract<Issue, { code: 'invalid_union' }>): string {
  const expected = new Set<string>();
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first?.code === 'invalid_type') expected.add(typeName(first.expected));
    else return 'a valid value';
  }
  return [...expected].join(' or ');
}

function oneOf(values: readonly unknown[]): string {
  const listed = values.map((v) => JSON.stringify(v)).join(', ');
  return values.length === 1 ? listed : `one of ${listed}`;
}

function typeName(expected: string): string {
  switch (expected) {
    case 'object':
    case 'record':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'int':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    default:
      return expected;
  }
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return typeof value;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

interface SchemaDef {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  shape?: Record<string, AnySchema>;
  valueType?: AnySchema;
  element?: AnySchema;
  options?: AnySchema[];
  discriminator?: string;
}

function defOf(schema: AnySchema): SchemaDef {
  return schema._zod.def;
}

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** The schema that validates the value at `path`, following the input through unions. */
function schemaAt(schema: AnySchema, input: unknown, path: readonly PropertyKey[]): AnySchema | undefined {
  let current: AnySchema | undefined = resolveUnion(unwrap(schema), input);
  let value = input;
  for (const key of path) {
    if (!current) return undefined;
    const def = defOf(current);
    value = valueAt(value, [key]);
    const next: AnySchema | undefined =
      def.type === 'object'
        ? def.shape?.[String(key)]
        : def.type === 'record'
          ? def.valueType
          : def.type === 'array'
            ? def.element
            : undefined;
    current = next ? resolveUnion(unwrap(next), value) : undefined;
  }
  return current;
}

function resolveUnion(schema: AnySchema, value: unknown): AnySchema | undefined {
  const def = defOf(schema);
  if (def.type !== 'union') return schema;
  if (!def.discriminator || value === null || typeof value !== 'object') return undefined;
  const tag = (value as Record<string, unknown>)[def.discriminator];
  return def.options?.find((option) => {
    const literal = defOf(option).shape?.[def.discriminator ?? ''];
    const values = literal ? (defOf(literal) as { values?: unknown[] }).values : undefined;
    return values?.includes(tag) ?? false;
  });
}

function knownKeys(schema: AnySchema | undefined): string[] {
  if (!schema) return [];
  const def = defOf(schema);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}
