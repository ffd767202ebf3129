import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Table from 'cli-table3';
import type { TextColumn } from '../../cli/output/text-column.js';
import { textTable } from '../../cli/output/text-table.js';

function cliTable3(columns: readonly TextColumn[]): string {
  const table = new Table({ head: columns.map((c) => c.header), style: { head: [], border: [], compact: true } });
  for (let row = 0; row < (columns[0]?.cells.length ?? 0); row++) table.push(columns.map((c) => c.cells[row] ?? ''));
  return table.toString();
}

const column = (header: string, cells: string[]): TextColumn => ({ key: header, header, cells, priority: 0 });

describe('textTable draws the box cli-table3 draws', () => {
  test('the same characters for headers over lines, empty cells, cells over lines and ±', () => {
    const tables = [
      [column('rank', ['1', '2']), column('val_\naccuracy', ['0.9480 ± 0.0071', '0.9470']), column('momentum', ['', '0.9326'])],
      [column('a', ['x\ny', '±']), column('bb\nc', ['', 'zz'])],
      [column('trial', []), column('state', [])],
      [column('only', ['one'])],
    ];
    for (const columns of tables) assert.equal(textTable(columns), cliTable3(columns));
  });

  test('100,000 rows, as a large study has: every one drawn (cli-table3 takes minutes from 20,000)', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => String(i));
    const text = textTable([
      column('trial', rows),
      column(
        'value',
        rows.map((r) => `0.${r}`),
      ),
    ]);
    assert.equal(text.split('\n').length, 100_000 + 4);
  });
});
