import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import type { TextColumn } from './text-column.js';

/**
 * The columns `--columns a,b,c` names, in that order, after the ones shown always (rank, trial,
 * the objective); each is then kept at any width. An unknown name is an error listing the names.
 */
export function chooseColumns(columns: readonly TextColumn[], names: readonly string[]): TextColumn[] {
  const chosen = columns.filter((column) => column.keep);
  for (const name of names) {
    const column = columns.find((c) => c.key === name) ?? columns.find((c) => c.aliases?.includes(name));
    if (column === undefined)
      throw new InvalidArgumentError(
        `--columns must name columns of this table (${columns.map((c) => c.key).join(', ')}), but got "${name}"`,
      );
    if (!chosen.some((c) => c.key === column.key)) chosen.push({ ...column, keep: true });
  }
  return chosen;
}
