import { create, equals, ScalarType, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';

/**
 * Example messages built from a message's descriptor, so that a field added to the .proto is in
 * them without anybody adding it: every field is set (to a value that is not its default), each
 * oneof member appears in some example, and each nested message's examples appear in some example
 * of its parent. `values` gives the fields whose values the codecs check (names, JSON, sizes that
 * must agree), keyed by `package.Message.field`; every other field gets a value from its type.
 */
export type FieldValues = Readonly<Record<string, unknown>>;

export function wireExamples(desc: DescMessage, values: FieldValues): Message[] {
  const fieldExamples = new Map<DescField, unknown[]>();
  for (const field of desc.fields) fieldExamples.set(field, valuesOf(field, values));
  const base: Record<string, unknown> = {};
  const variants: Record<string, unknown>[] = [];
  for (const member of desc.members) {
    if (member.kind === 'oneof') {
      const [first, ...others] = member.fields;
      if (!first) continue;
      base[member.localName] = { case: first.localName, value: fieldExamples.get(first)?.[0] };
      for (const field of [first, ...others]) {
        for (const value of fieldExamples.get(field) ?? []) variants.push({ [member.localName]: { case: field.localName, value } });
      }
    } else {
      const [first, ...others] = fieldExamples.get(member) ?? [];
      base[member.localName] = first;
      for (const value of others) variants.push({ [member.localName]: value });
      // An `optional` scalar can also be absent, which is not the same as its zero value.
      if (member.fieldKind === 'scalar' && member.proto.proto3Optional) variants.push({ [member.localName]: undefined });
    }
  }
  return [base, ...variants].map((variant) => create(desc, { ...base, ...variant }));
}

function valuesOf(field: DescField, values: FieldValues): unknown[] {
  const given = values[`${field.parent.typeName}.${field.name}`];
  if (given !== undefined) return [given];
  switch (field.fieldKind) {
    case 'scalar':
      return [scalarValue(field.scalar, field.number)];
    case 'enum':
      // The last value: never the zero (UNSPECIFIED) one, which a codec may fold into another.
      return [field.enum.values[field.enum.values.length - 1]?.number];
    case 'message':
      return wireExamples(field.message, values);
    case 'list':
      switch (field.listKind) {
        case 'scalar':
          return [[scalarValue(field.scalar, field.number)]];
        case 'enum':
          return [[field.enum.values[field.enum.values.length - 1]?.number]];
        case 'message':
          return wireExamples(field.message, values).map((example) => [example]);
      }
      break;
    case 'map':
      // One entry, under a key that is a valid name (metric names: lower-case letters and digits).
      if (field.mapKey !== ScalarType.STRING || field.mapKind !== 'scalar')
        throw new Error(`${field.parent.typeName}.${field.name}: only maps from strings to scalars have example values yet`);
      return [{ [`k${field.number}`]: scalarValue(field.scalar, field.number) }];
  }
  return [];
}

/** A value unlike the type's default, different for each field number, and in range for the checks (accuracies, fractions). */
function scalarValue(type: ScalarType, number: number): unknown {
  switch (type) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return 0.5 + number / 64;
    case ScalarType.BOOL:
      return true;
    case ScalarType.STRING:
      return `text-${number}`;
    case ScalarType.BYTES:
      return new Uint8Array([number]);
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.SINT64:
      return BigInt(number + 1);
    default:
      return number + 1;
  }
}

/** Where two messages of `desc` differ, as field paths; empty when they are equal. */
export function wireDifferences(desc: DescMessage, a: Message, b: Message, path = desc.typeName): string[] {
  if (equals(desc, a, b)) return [];
  const left = a as unknown as Record<string, unknown>;
  const right = b as unknown as Record<string, unknown>;
  const found: string[] = [];
  for (const member of desc.members) {
    const name = member.localName;
    if (member.kind === 'oneof') {
      const x = left[name] as { case?: string; value?: unknown };
      const y = right[name] as { case?: string; value?: unknown };
      const field = member.fields.find((f) => f.localName === x.case);
      if (x.case !== y.case) found.push(`${path}.${member.name}: ${x.case ?? 'unset'} became ${y.case ?? 'unset'}`);
      else if (field) found.push(...fieldDifferences(field, x.value, y.value, `${path}.${field.name}`));
    } else {
      found.push(...fieldDifferences(member, left[name], right[name], `${path}.${member.name}`));
    }
  }
  return found.length > 0 ? found : [`${path}: differs`];
}

function fieldDifferences(field: DescField, x: unknown, y: unknown, path: string): string[] {
  if (field.fieldKind === 'message') {
    if (x === undefined || y === undefined)
      return x === y ? [] : [`${path}: ${x === undefined ? 'unset' : 'set'} became ${y === undefined ? 'unset' : 'set'}`];
    return equals(field.message, x as Message, y as Message) ? [] : wireDifferences(field.message, x as Message, y as Message, path);
  }
  if (field.fieldKind === 'list' && field.listKind === 'message') {
    const xs = x as Message[];
    const ys = y as Message[];
    if (xs.length !== ys.length) return [`${path}: ${xs.length} items became ${ys.length}`];
    return xs.flatMap((item, i) => wireDifferences(field.message, item, ys[i] as Message, `${path}[${i}]`));
  }
  return JSON.stringify(x, bigints) === JSON.stringify(y, bigints)
    ? []
    : [`${path}: ${JSON.stringify(x, bigints)} became ${JSON.stringify(y, bigints)}`];
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value instanceof Uint8Array ? [...value] : value;
}
