import { closeSync, createWriteStream, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { openExistingStore } from '../open-existing-store.js';
import { counted } from '../output/counted.js';
import { exportStudy, type ExportOptions } from '../output/export-study.js';
import { printOut } from '../output/terminal.js';

export type ExportFlags = ExportOptions & { db: string; output?: string };

export async function exportCommand(name: string, flags: ExportFlags): Promise<void> {
  const store = await openExistingStore(flags.db, 'read');
  try {
    const output = flags.output === undefined ? process.stdout : openOutput(flags.output);
    const rows = await exportStudy(store, name, flags, output);
    if (flags.output !== undefined)
      printOut(`wrote ${counted(rows, flags.epochs ? 'epoch' : 'trial')} of study ${name} to ${flags.output}\n`);
  } finally {
    await store.close();
  }
}

/** Opens the output file up front, so that a bad path is a clear error before anything is read. */
function openOutput(path: string): Writable {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    throw new InvalidArgumentError(`-o ${path}: cannot write the file: ${(error as Error).message}`);
  }
  try {
    return createWriteStream('', { fd });
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
