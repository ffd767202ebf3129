import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { confinedShell, confinementSkip } from '../helpers/confined-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A sweep whose trials cost nothing but their writes, with a budget no small disk can hold. */
const ENDLESS_SWEEP = `study: fill
seed: 1
synthetic:
  epochs: 5
  epoch_seconds: 0
space:
  learning_rate: { type: float, low: 1.0e-4, high: 1.0, log: true }
  width: { type: int, low: 16, high: 256, log: true }
sampler:
  type: random
budget:
  trials: 100000
objective:
  metric: val_loss
  direction: minimize
`;

interface Step {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The COMPLETE trials of a copy of the store, and SQLite's verdict on the file. */
function readCopy(path: string): { complete: Map<number, number>; integrity: unknown } {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db
      .prepare(`SELECT t.number, r.value FROM trials t JOIN trial_results r ON r.trial_id = t.id WHERE t.state = 'COMPLETE'`)
      .all() as { number: number; value: number }[];
    return { complete: new Map(rows.map((row) => [row.number, row.value])), integrity: db.pragma('integrity_check', { simple: true }) };
  } finally {
    db.close();
  }
}

describe('a store on a full disk', { skip: confinementSkip('mounts') }, () => {
  test('a sweep that fills the disk ends with exit 1 and says so; nothing finished is lost, and it goes on once there is space', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sweep.yaml'), ENDLESS_SWEEP);
    const out = (name: string): string => join(dir, name);
    // A 2 MB tmpfs, 1 MB of it taken by a file deleted later to make room; every step's output
    // and a copy of the store after each sweep go outside it, to be read here.
    const script = `
      set -u
      cd "${dir}"
      mkdir disk copy1 copy2
      mount -t tmpfs -o size=2m tmpfs disk
      head -c 1048576 /dev/zero > disk/filler
      step() { name=$1; shift; sweeper "$@" > $name.out 2> $name.err; echo $? > $name.code; }
      step run run sweep.yaml --db disk/store.db --no-progress --log-file run.log
      step studies studies --db disk/store.db --json
      cp -r disk/store.db* copy1/
      rm disk/filler
      step resume resume fill --db disk/store.db --no-progress --log-file resume.log
      cp -r disk/store.db* copy2/
    `;
    const shell = await confinedShell(script);
    assert.equal(shell.code, 0, shell.stderr);
    const step = (name: string): Step => ({
      code: Number(readFileSync(out(`${name}.code`), 'utf8')),
      stdout: readFileSync(out(`${name}.out`), 'utf8'),
      stderr: readFileSync(out(`${name}.err`), 'utf8'),
    });

    const run = step('run');
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /error: the disk holding the trial store disk\/store\.db is full: the last change was not stored, and nothing stored before it was lost/,
    );
    assert.match(run.stderr, /hint: free space on that disk \(`df -h disk`\), then continue with `sweeper resume STUDY`/);
    assert.doesNotMatch(run.stderr, /looks like a bug/);

    // Every trial the sweep logged as COMPLETE is in the store, with the value it logged.
    const logged = readFileSync(out('run.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"trial finished"'))
      .map((line) => JSON.parse(line) as { trial: number; state: string; value?: number })
      .filter((entry) => entry.state === 'COMPLETE');
    assert.ok(logged.length > 0, 'some trials finished before the disk was full');
    const first = readCopy(join(dir, 'copy1', 'store.db'));
    assert.equal(first.integrity, 'ok');
    for (const entry of logged) assert.equal(first.complete.get(entry.trial), entry.value, `trial ${entry.trial}`);

    const studies = step('studies');
    assert.equal(studies.code, 0, `the full disk's store still opens for reading: ${studies.stderr}`);
    assert.equal(
      (JSON.parse(studies.stdout) as { studies: { counts: { COMPLETE: number } }[] }).studies[0]?.counts.COMPLETE,
      first.complete.size,
    );

    // With 1 MB freed, resume goes on from where the sweep stopped, until the disk is full again.
    const resume = step('resume');
    assert.equal(resume.code, 1, resume.stderr);
    assert.match(resume.stderr, /error: the disk holding the trial store disk\/store\.db is full/);
    const second = readCopy(join(dir, 'copy2', 'store.db'));
    assert.equal(second.integrity, 'ok');
    assert.ok(
      second.complete.size > first.complete.size,
      `${second.complete.size} trials complete after resume, ${first.complete.size} before`,
    );
    for (const [number, value] of first.complete) assert.equal(second.complete.get(number), value, `trial ${number} is unchanged`);
  });

  test('the queries read a store on a disk that filled up after it was written', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sweep.yaml'), ENDLESS_SWEEP.replace('trials: 100000', 'trials: 3'));
    // SQLite would make a 32 KiB -shm file beside the store to read it: there is no room for it.
    const script = `
      cd "${dir}"
      mkdir disk
      mount -t tmpfs -o size=2m tmpfs disk
      sweeper run sweep.yaml --db disk/store.db --no-progress > run.out 2>&1 || { cat run.out >&2; exit 1; }
      head -c 3000000 /dev/zero > disk/filler 2> /dev/null || true
      sweeper best fill --db disk/store.db --json
    `;
    const result = await confinedShell(script);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { trials: unknown[] }).trials.length, 3);
  });
});
