import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runLogPath } from '../../worker/command/capped-log-file.js';
import { LineSplitter } from '../../worker/command/line-splitter.js';
import { OutputTail } from '../../worker/command/output-tail.js';
import { parseReportLine } from '../../worker/command/report-line.js';

describe('LineSplitter', () => {
  test('splits lines across chunks and keeps a last line without a newline', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter(
      100,
      (line) => lines.push(line),
      () => assert.fail('no overflow expected'),
    );
    for (const chunk of ['ab', 'c\nde', 'f\n\ng', 'h']) splitter.push(Buffer.from(chunk));
    splitter.end();
    assert.deepEqual(lines, ['abc', 'def', '', 'gh']);
  });

  test('a line over the cap overflows once, whether or not it ever ends, and nothing follows', () => {
    const lines: string[] = [];
    let overflows = 0;
    const splitter = new LineSplitter(
      10,
      (line) => lines.push(line),
      () => overflows++,
    );
    splitter.push(Buffer.from('short\n0123456'));
    splitter.push(Buffer.from('789abc'));
    splitter.push(Buffer.from('\nafter\n'));
    splitter.end();
    assert.deepEqual(lines, ['short']);
    assert.equal(overflows, 1);
  });
});

describe('OutputTail', () => {
  test('keeps the last bytes, from a whole line', () => {
    const tail = new OutputTail(20);
    for (let i = 0; i < 1000; i++) tail.push(Buffer.from(`line ${i}\n`));
    assert.equal(tail.text(), 'line 998\nline 999\n');
    assert.deepEqual(tail.lastLines(1), ['line 999']);
  });

  test('one huge chunk keeps only its end', () => {
    const tail = new OutputTail(8);
    tail.push(Buffer.alloc(1_000_000, 'x'));
    assert.equal(tail.text(), 'xxxxxxxx');
  });
});

describe('parseReportLine', () => {
  test('an epoch line, a final line, garbage', () => {
    assert.deepEqual(parseReportLine('{"epoch": 2, "val_loss": 0.3}'), { kind: 'epoch', epoch: 2, metrics: { val_loss: 0.3 } });
    assert.deepEqual(parseReportLine('{"final": {"test_accuracy": 0.9}}'), { kind: 'final', final: { test_accuracy: 0.9 } });
    assert.deepEqual(parseReportLine('[1]'), { kind: 'problem', problem: 'a report line must be a JSON object, but got "[1]"' });
  });

  test("Python's bare NaN and Infinity are numbers; the same words in strings stay text", () => {
    const parsed = parseReportLine('{"epoch": 3, "val_loss": NaN, "x": -Infinity, "note": "NaN, Infinity"}');
    assert.equal(parsed.kind, 'epoch');
    const metrics = parsed.kind === 'epoch' ? parsed.metrics : {};
    assert.ok(Number.isNaN(metrics.val_loss));
    assert.equal(metrics.x, -Infinity);
    assert.equal(metrics.note, 'NaN, Infinity');
  });
});

describe('runLogPath', () => {
  test('the study becomes one safe path segment', () => {
    assert.equal(runLogPath('/logs', '../etc/passwd', 4, 0, 2), '/logs/__etc_passwd/4.0@2.log');
    assert.equal(runLogPath('/logs', 'mlp-v2.1', 4, 1, 1), '/logs/mlp-v2.1/4.1@1.log');
  });
});
