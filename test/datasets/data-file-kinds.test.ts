import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readDataFileHeadSync } from '../../src/datasets/read-data-file-head-sync.js';
import { readDataFile } from '../../src/datasets/read-data-file.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('dataset paths that are not regular files', () => {
  test('/dev/zero is refused instead of read without end', async () => {
    await assert.rejects(readDataFile('/dev/zero'), {
      name: 'DataError',
      message: '/dev/zero: cannot read: is a character device, not a regular file',
    });
  });

  test('a FIFO is refused instead of waiting for a writer, by the loader and by the header check', async () => {
    const fifo = join(tempDir(), 'train-images-idx3-ubyte');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(readDataFile(fifo), { name: 'DataError', message: /is a FIFO \(named pipe\), not a regular file/ });
    assert.throws(() => readDataFileHeadSync(fifo, 16), { name: 'DataError', message: /cannot read/ });
  });
});
