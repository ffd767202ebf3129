/** Characters a line takes on a terminal (box-drawing characters are one each). */
export function lineWidth(line: string): number {
  return [...line].length;
}

/**
 * The column headers of the first table (cli-table3's box) in `text`, a header broken over lines
 * (`learning_` over `rate`, `test` over `accuracy`) read back whole.
 */
export function tableHeaders(text: string): string[] {
  const lines = text.replace(/\r/g, '').split('\n');
  const top = lines.findIndex((line) => line.startsWith('┌'));
  const rule = lines.findIndex((line, index) => index > top && line.startsWith('├'));
  if (top < 0 || rule < 0) return [];
  const headers: string[] = [];
  for (const line of lines.slice(top + 1, rule)) {
    line
      .split('│')
      .slice(1, -1)
      .forEach((cell, column) => {
        const part = cell.trim();
        const before = headers[column] ?? '';
        headers[column] = part === '' ? before : before === '' ? part : before.endsWith('_') ? `${before}${part}` : `${before} ${part}`;
      });
  }
  return headers;
}
