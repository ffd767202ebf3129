import { isMap, isNode, isScalar, type Document, type LineCounter } from 'yaml';

/**
 * Finds where a field sits in the YAML text, so that errors point at a line: the field's key
 * when it has one, else its value. A missing field is placed at the nearest ancestor that exists.
 */
export function locateField(
  document: Document,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
): { line: number; column: number } | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const offset = fieldOffset(document, path.slice(0, depth));
    if (offset !== undefined) {
      const position = lineCounter.linePos(offset);
      return { line: position.line, column: position.col };
    }
  }
  return undefined;
}

function fieldOffset(document: Document, path: readonly (string | number)[]): number | undefined {
  if (path.length === 0) return isNode(document.contents) ? document.contents.range?.[0] : undefined;
  const parent: unknown = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  const last = path.at(-1);
  if (isMap(parent)) {
    const pair = parent.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === last);
    if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
  }
  const node: unknown = document.getIn(path, true);
  return isNode(node) ? node.range?.[0] : undefined;
}
