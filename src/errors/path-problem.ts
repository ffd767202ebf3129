/** A problem at a path inside some input, before it is tied to a file and a line. */
export interface PathProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}
