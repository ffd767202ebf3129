/**
 * What the two SQL backends write differently in the queries they share. Parameter values are
 * JSON text in both; these read a number or a sort order out of that text.
 */
export interface SqlDialect {
  /** The number a JSON text column holds; NULL when it holds a string or anything else. */
  jsonNumber(column: string): string;
  /** The keys that sort a JSON text column: numbers by value before strings by text. */
  jsonSortKeys(column: string): readonly string[];
  /** LIKE that ignores the case of ASCII letters, as a search box does. */
  readonly caselessLike: string;
}

export const SQLITE: SqlDialect = {
  jsonNumber: (column) => `CASE WHEN json_type(${column}) IN ('integer', 'real') THEN json_extract(${column}, '$') END`,
  // SQLite orders numbers before text by itself.
  jsonSortKeys: (column) => [`json_extract(${column}, '$')`],
  caselessLike: 'LIKE',
};

export const POSTGRES: SqlDialect = {
  jsonNumber: (column) => `CASE WHEN jsonb_typeof(${column}::jsonb) = 'number' THEN (${column}::jsonb #>> '{}')::float8 END`,
  // jsonb orders strings before numbers: the type goes first so that both backends sort alike.
  jsonSortKeys: (column) => [`jsonb_typeof(${column}::jsonb) <> 'number'`, POSTGRES.jsonNumber(column), `${column}::jsonb #>> '{}'`],
  caselessLike: 'ILIKE',
};
