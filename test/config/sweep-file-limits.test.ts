import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadSweepFile, parseSweep } from '../../src/config/load-sweep-file.js';
import { tempDir } from '../helpers/temp-dir.js';

const BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  ...'bcdefgh'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
].join('\n');

describe('hostile sweep files', () => {
  test('/dev/zero is refused as not a regular file, without reading it', async () => {
    await assert.rejects(loadSweepFile('/dev/zero'), {
      name: 'ConfigError',
      message: /\/dev\/zero: cannot read the sweep file: is a character device, not a regular file/,
    });
  });

  test('a FIFO is refused at once instead of waiting for a writer', async () => {
    const fifo = join(tempDir(), 'sweep.yaml');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(loadSweepFile(fifo), { name: 'ConfigError', message: /is a FIFO \(named pipe\), not a regular file/ });
  });

  test('a file over 1 MiB is refused before it is read, naming the limit', async () => {
    const path = join(tempDir(), 'big.yaml');
    writeFileSync(path, `study: big\n# ${'x'.repeat(2 << 20)}\n`);
    await assert.rejects(loadSweepFile(path), { name: 'ConfigError', message: /is 2\.0 MiB, more than the limit of 1 MiB/ });
    assert.throws(() => parseSweep(`# ${'x'.repeat(2 << 20)}`, 'big.yaml'), {
      name: 'ConfigError',
      message: /more than the limit of 1 MiB/,
    });
  });

  test('an alias bomb is a config error, not a crash', () => {
    assert.throws(() => parseSweep(BOMB, 'bomb.yaml'), { name: 'ConfigError', message: /bomb\.yaml: cannot be expanded: .*alias/ });
  });

  test('a file that is not UTF-8 is refused with a message saying so', async () => {
    const path = join(tempDir(), 'latin1.yaml');
    writeFileSync(path, Buffer.from([0x73, 0x74, 0x75, 0x64, 0x79, 0x3a, 0x20, 0xe9, 0xff, 0x0a]));
    await assert.rejects(loadSweepFile(path), { name: 'ConfigError', message: /is not UTF-8 text/ });
  });
});
