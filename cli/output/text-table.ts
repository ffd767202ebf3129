import { columnWidth, fitColumns } from './fit-columns.js';
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
  return [drawBox(fitted.columns), ...fitted.notes.flatMap((note) => wrapLine(note, options.width))].join('\n');
}

/**
 * The columns in a box, as cli-table3 draws it with `compact: true` (the same characters; a test
 * compares them), in time linear in the rows: cli-table3's layout takes minutes on the 20,000 rows
 * of a large study's `trials`.
 */
function drawBox(columns: readonly TextColumn[]): string {
  if (columns.length === 0) return '';
  const widths = columns.map(columnWidth);
  const rule = (left: string, middle: string, right: string): string =>
    `${left}${widths.map((width) => '─'.repeat(width + 2)).join(middle)}${right}`;
  const row = (cells: readonly string[]): string[] => {
    const lines = cells.map((cell) => cell.split('\n'));
    const height = Math.max(...lines.map((cellLines) => cellLines.length));
    return Array.from(
      { length: height },
      (_, line) => `│${lines.map((cellLines, column) => ` ${pad(cellLines[line] ?? '', widths[column] ?? 0)} `).join('│')}│`,
    );
  };
  const rows = columns[0]?.cells.length ?? 0;
  const body: string[] = [];
  for (let index = 0; index < rows; index++) body.push(...row(columns.map((column) => column.cells[index] ?? '')));
  return [
    rule('┌', '┬', '┐'),
    ...row(columns.map((column) => column.header)),
    ...(rows > 0 ? [rule('├', '┼', '┤'), ...body] : []),
    rule('└', '┴', '┘'),
  ].join('\n');
}

function pad(text: string, width: number): string {
  return `${text}${' '.repeat(Math.max(0, width - displayWidth(text)))}`;
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
