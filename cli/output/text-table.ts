import Table from 'cli-table3';
import { fitColumns } from './fit-columns.js';
import { displayWidth, type TextColumn } from './text-column.js';

export interface TextTableOptions {
  /** Fit this many characters (see outputWidth); every column when undefined. */
  readonly width?: number;
  /** Said after the columns left out to fit, e.g. how to choose them. */
  readonly hint?: string;
}

/** A table for a terminal, fitted to its width, with a line under it for anything left out. */
export function textTable(columns: readonly TextColumn[], options: TextTableOptions = {}): string {
  const fitted = fitColumns(columns, options.width, options.hint ?? '');
  const table = new Table({ head: fitted.columns.map((column) => column.header), style: { head: [], border: [], compact: true } });
  const rows = fitted.columns[0]?.cells.length ?? 0;
  for (let row = 0; row < rows; row++) table.push(fitted.columns.map((column) => column.cells[row] ?? ''));
  return [table.toString(), ...fitted.notes.flatMap((note) => wrapLine(note, options.width))].join('\n');
}

/** A note broken at spaces to `width`, its next lines indented; a word longer than that stays whole. */
function wrapLine(text: string, width: number | undefined): string[] {
  if (width === undefined || displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const joined = line === '' ? word : `${line} ${word}`;
    if (line !== '' && displayWidth(joined) > width) {
      lines.push(line);
      line = `  ${word}`;
    } else line = joined;
  }
  lines.push(line);
  return lines;
}
