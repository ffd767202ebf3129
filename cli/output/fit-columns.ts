import { displayWidth, type TextColumn } from './text-column.js';

export interface FittedColumns {
  /** The columns to draw, headers broken over lines where that narrows them. */
  readonly columns: readonly TextColumn[];
  /** Lines to print under the table: what was left out, so that nothing is lost silently. */
  readonly notes: readonly string[];
}

/** cli-table3's layout: a border before each column and after the last, a space each side of a cell. */
const BORDER = 1;
const PADDING = 2;

export function tableWidth(columns: readonly TextColumn[]): number {
  return columns.reduce((sum, column) => sum + columnWidth(column) + PADDING + BORDER, BORDER);
}

/**
 * Narrows a table to `width` (no limit when undefined), a step at a time until it fits, as
 * kubectl and `optuna trials` keep to the terminal instead of wrapping every line:
 * 1. leaves out the columns whose value is the same in every row, and says their value;
 * 2. breaks headers over lines (`learning_` over `rate`) down to the width of their values;
 * 3. leaves out columns by priority (never the `keep` ones), and names them with `hint`.
 * A table that already fits is returned as it is.
 */
export function fitColumns(columns: readonly TextColumn[], width: number | undefined, hint: string): FittedColumns {
  if (width === undefined || tableWidth(columns) <= width) return { columns, notes: [] };
  const notes: string[] = [];
  let shown = [...columns];
  // With one row every column is "the same in every row"; leaving them out would say nothing.
  if ((columns[0]?.cells.length ?? 0) >= 2) {
    const constant = shown.filter((column) => !column.keep && column.cells.every((cell) => cell === column.cells[0]));
    if (constant.length > 0) {
      shown = shown.filter((column) => !constant.includes(column));
      notes.push(`same in every row: ${constant.map((column) => `${column.header} ${column.cells[0] || '-'}`).join(', ')}`);
    }
  }
  if (tableWidth(shown) > width) shown = shown.map((column) => ({ ...column, header: wrapHeader(column.header, valuesWidth(column)) }));
  const dropped = new Set<string>();
  while (tableWidth(shown) > width) {
    const victim = shown
      .filter((column) => !column.keep)
      .reduce<TextColumn | undefined>((low, column) => (low === undefined || column.priority <= low.priority ? column : low), undefined);
    if (victim === undefined) break;
    shown = shown.filter((column) => column !== victim);
    dropped.add(victim.key);
  }
  if (dropped.size > 0) {
    const names = columns.filter((column) => dropped.has(column.key)).map((column) => column.header);
    notes.push(`not shown, to fit ${width} columns: ${names.join(', ')}${hint === '' ? '' : `; ${hint}`}`);
  }
  return { columns: shown, notes };
}

/**
 * `learning_rate` as `learning_` over `rate`, `test accuracy` as `test` over `accuracy`: lines no
 * wider than the column's values, or than its longest word, which is never cut.
 */
export function wrapHeader(header: string, width: number): string {
  const words = header.match(/[^ _]+_*|_+/g) ?? [header];
  const target = Math.max(width, ...words.map(displayWidth));
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.at(-1);
    const joined = last === undefined ? word : last.endsWith('_') ? `${last}${word}` : `${last} ${word}`;
    if (last !== undefined && displayWidth(joined) <= target) lines[lines.length - 1] = joined;
    else lines.push(word);
  }
  return lines.join('\n');
}

/** The width of a column's widest line, header or cell. */
export function columnWidth(column: TextColumn): number {
  return Math.max(valuesWidth(column), ...column.header.split('\n').map(displayWidth));
}

/** By cells array, which a column keeps when its header is broken: `trials` tables have 100,000 rows. */
const widthOfCells = new WeakMap<readonly string[], number>();

function valuesWidth(column: TextColumn): number {
  let width = widthOfCells.get(column.cells);
  if (width === undefined) {
    width = 0;
    for (const cell of column.cells) for (const line of cell.split('\n')) width = Math.max(width, displayWidth(line));
    widthOfCells.set(column.cells, width);
  }
  return width;
}
