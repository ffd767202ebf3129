import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FolderArchiveError, packFolder, unpackFolder } from '../../worker/checkpoint/folder-archive.js';
import { tempDir } from '../helpers/temp-dir.js';

describe("a program's checkpoint folder as one checkpoint", () => {
  test('files in subfolders come back byte for byte; links are left out; an empty folder is no checkpoint', async () => {
    const dir = tempDir('sweeper-folder-');
    const source = join(dir, 'source');
    mkdirSync(join(source, 'optim'), { recursive: true });
    writeFileSync(join(source, 'model.pt'), Buffer.from([0, 1, 2, 255]));
    writeFileSync(join(source, 'optim', 'state.pt'), 'adam');
    symlinkSync('/etc/passwd', join(source, 'link'));
    const archive = await packFolder(source, 1000);
    assert.ok(archive);
    const target = join(dir, 'target');
    mkdirSync(target);
    assert.deepEqual(await unpackFolder(archive, target), [
      { path: 'model.pt', bytes: 4 },
      { path: 'optim/state.pt', bytes: 4 },
    ]);
    assert.deepEqual(readFileSync(join(target, 'model.pt')), Buffer.from([0, 1, 2, 255]));
    assert.equal(readFileSync(join(target, 'optim', 'state.pt'), 'utf8'), 'adam');
    assert.deepEqual(readdirSync(target).sort(), ['model.pt', 'optim']);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    assert.equal(await packFolder(empty, 1000), undefined);
  });

  test('a folder over the limit is refused; an archive naming a path outside, cut short or foreign is refused before anything is written', async () => {
    const dir = tempDir('sweeper-folder-');
    writeFileSync(join(dir, 'big'), Buffer.alloc(2000));
    await assert.rejects(packFolder(dir, 1000), FolderArchiveError);
    const forged = (entries: unknown, body: Buffer): Uint8Array => {
      const header = Buffer.from(JSON.stringify(entries));
      const preamble = Buffer.alloc(12);
      preamble.write('SWDR', 0);
      preamble.writeUInt32LE(1, 4);
      preamble.writeUInt32LE(header.length, 8);
      return Buffer.concat([preamble, header, body]);
    };
    const target = join(dir, 'target');
    mkdirSync(target);
    await assert.rejects(
      unpackFolder(forged([{ path: '../escape', bytes: 1 }], Buffer.from('x')), target),
      /names a file it may not: "..\/escape"/,
    );
    await assert.rejects(unpackFolder(forged([{ path: 'a', bytes: 5 }], Buffer.from('x')), target), /cut short/);
    await assert.rejects(unpackFolder(forged([{ path: 'a', bytes: 1 }], Buffer.from('xy')), target), /bytes after its last file/);
    await assert.rejects(unpackFolder(Buffer.from('SWCK....'), target), /not a checkpoint folder archive/);
    assert.deepEqual(readdirSync(target), []);
  });
});
