import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { trialDetailText } from '../../cli/output/trial-detail-text.js';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import type { EpochRecord, StudyRecord, TrialRecord } from '../../src/store/records.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

const study: StudyRecord = {
  id: 1,
  name: 'tiny',
  createdAt: '2026-12-04T00:00:00.000Z',
  definition: parseSweep(tinySweepYaml(), 'tiny.yaml').definition,
};
const trial: TrialRecord = {
  id: 1,
  studyId: 1,
  number: 0,
  state: 'COMPLETE',
  attempt: 1,
  lostAttempts: 0,
  params: { optimizer: 'adam', learning_rate: 0.01, width: 16 },
  queuedAt: study.createdAt,
};

function chart(values: number[]): string {
  const epochs: EpochRecord[] = values.map((valAccuracy, i) => ({ repeat: 0, epoch: i + 1, valAccuracy }));
  const text = trialDetailText(study, trial, [], epochs);
  return text.slice(text.indexOf('val_accuracy by epoch'));
}

describe('show: the curve of the objective', () => {
  test('one epoch: its value, not a value it does not have', () => {
    const lines = chart([0.917]).split('\n');
    assert.equal(lines[0], 'val_accuracy by epoch 1..1 (one repeat), from 0.9170 to 0.9170:');
    assert.equal(lines[1], '   0.9170 ┼');
  });

  test('a flat curve: one level, at its value', () => {
    assert.equal(chart([0.5, 0.5, 0.5]).split('\n')[1], '   0.5000 ┼──');
  });

  test('a curve that moves: asciichart, labelled from its lowest to its highest value', () => {
    const lines = chart([0.5, 0.7, 0.9]).split('\n').slice(1);
    const rows = lines.slice(0, lines.indexOf(''));
    assert.match(rows[0] ?? '', /^ +0\.9000 [┤┼]/);
    assert.match(rows.at(-1) ?? '', /^ +0\.5000 [┤┼]/);
  });
});
