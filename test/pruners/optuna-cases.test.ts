import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createPruner } from '../../src/pruners/create-pruner.js';
import { bracketBudgets, bracketOf, countBrackets } from '../../src/pruners/hyperband-brackets.js';
import { prunerSectionSchema, prunerSpecFromFile } from '../../src/pruners/pruner-schema.js';
import type { Direction } from '../../src/core/direction.js';
import { replay, type ReportEvent } from './replay.js';

/**
 * Histories replayed through Optuna 3.1 itself by optuna-reference.py (hand-made ones first, then
 * random interleaved studies with ties and NaNs); ours must prune the same trials at the same steps.
 */
interface OptunaCase {
  readonly name: string;
  readonly direction: Direction;
  readonly pruner: unknown;
  readonly events: readonly (readonly [number, number, number | 'NaN'])[];
  readonly optunaPruned: readonly (readonly [number, number])[];
}

interface BracketRow {
  readonly minResource: number;
  readonly maxResource: number;
  readonly reductionFactor: number;
  readonly nBrackets: number;
  readonly budgets: readonly number[];
  readonly brackets: readonly number[];
}

// Read from the source tree: the compiled test sits at the same depth under the output directory.
const FIXTURE = new URL('../../../test/pruners/optuna-cases.json', import.meta.url);
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: OptunaCase[]; hyperbandBrackets: BracketRow[] };

describe('decisions match Optuna 3.1 on the same histories', () => {
  test('the fixture covers every pruner type and both directions', () => {
    const kinds = new Set(fixture.cases.map((c) => `${(c.pruner as { type: string }).type} ${c.direction}`));
    for (const type of ['median', 'percentile', 'asha', 'hyperband']) {
      for (const direction of ['maximize', 'minimize']) assert.ok(kinds.has(`${type} ${direction}`), `${type} ${direction}`);
    }
    assert.ok(
      fixture.cases.every((c) => c.optunaPruned.length > 0),
      'every case prunes something',
    );
  });

  for (const optunaCase of fixture.cases) {
    test(optunaCase.name, () => {
      const spec = prunerSpecFromFile(prunerSectionSchema.parse(optunaCase.pruner), 20);
      const events: ReportEvent[] = optunaCase.events.map(([trial, step, value]) => [trial, step, value === 'NaN' ? Number.NaN : value]);
      const { pruned } = replay(createPruner(spec), optunaCase.direction, events);
      assert.deepEqual(pruned, optunaCase.optunaPruned);
    });
  }

  test('Hyperband bracket counts, budgets and budget-weighted assignment', () => {
    for (const row of fixture.hyperbandBrackets) {
      const label = `min ${row.minResource}, max ${row.maxResource}, factor ${row.reductionFactor}`;
      const nBrackets = countBrackets(row.minResource, row.maxResource, row.reductionFactor);
      assert.equal(nBrackets, row.nBrackets, label);
      const budgets = bracketBudgets(nBrackets, row.reductionFactor);
      assert.deepEqual(budgets, row.budgets, label);
      assert.deepEqual(
        row.brackets.map((_, number) => bracketOf(number, budgets)),
        row.brackets,
        label,
      );
    }
  });
});
