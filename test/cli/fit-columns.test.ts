import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fitColumns, tableWidth, wrapHeader } from '../../cli/output/fit-columns.js';
import type { TextColumn } from '../../cli/output/text-column.js';

const column = (key: string, cells: string[], options: Partial<TextColumn> = {}): TextColumn => ({
  key,
  header: key,
  cells,
  priority: 1,
  ...options,
});

describe('fitColumns', () => {
  test('breaks headers at spaces and after underscores, down to the width of the values or the longest word', () => {
    assert.equal(wrapHeader('learning_rate', 8), 'learning_\nrate');
    assert.equal(wrapHeader('test accuracy', 6), 'test\naccuracy');
    assert.equal(wrapHeader('best epoch', 10), 'best epoch', 'a header no wider than its values stays whole');
    assert.equal(wrapHeader('a_b_c_d', 4), 'a_b_\nc_d');
    assert.equal(wrapHeader('activation', 3), 'activation', 'a word is never cut');
  });

  test('with one row, no column counts as the same in every row', () => {
    const columns = [column('trial', ['1'], { keep: true }), column('state', ['COMPLETE']), column('epochs', ['4'])];
    const fitted = fitColumns(columns, tableWidth(columns) - 1, '');
    assert.deepEqual(fitted.notes, ['not shown, to fit 28 columns: epochs']);
  });

  test('columns kept are kept when nothing else can go, and the table is as narrow as it gets', () => {
    const columns = [
      column('trial', ['1', '2'], { keep: true }),
      column('value', ['0.91', '0.92'], { keep: true }),
      column('width', ['16', '32']),
    ];
    const fitted = fitColumns(columns, 5, 'choose with --columns');
    assert.deepEqual(
      fitted.columns.map((c) => c.key),
      ['trial', 'value'],
    );
    assert.deepEqual(fitted.notes, ['not shown, to fit 5 columns: width; choose with --columns']);
  });

  test('the lowest priority goes first, the rightmost among equals; the note keeps the table order', () => {
    const columns = [
      column('trial', ['1', '2'], { keep: true }),
      column('aaaa', ['x', 'y'], { priority: 2 }),
      column('bbbb', ['x', 'y']),
      column('cccc', ['x', 'y']),
    ];
    const fitted = fitColumns(columns, tableWidth(columns) - 8, '');
    assert.deepEqual(
      fitted.columns.map((c) => c.key),
      ['trial', 'aaaa'],
    );
    assert.deepEqual(fitted.notes, ['not shown, to fit 22 columns: bbbb, cccc']);
  });

  test('an empty value the same in every row is said as -', () => {
    const columns = [column('trial', ['1', '2'], { keep: true }), column('momentum', ['', ''])];
    assert.deepEqual(fitColumns(columns, 10, '').notes, ['same in every row: momentum -']);
  });
});
