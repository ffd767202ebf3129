import { closeSync, createWriteStream, openSync } from 'node:fs';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import type { TrialStore } from '../../src/store/trial-store.js';
import { openExistingStore } from '../open-existing-store.js';
import type { ExportFormat } from '../output/export-formats.js';
import { EPOCH_EXPORT_COLUMNS, epochExportRow, trialExportColumns, trialExportRow, type ExportRow } from '../output/export-rows.js';

export interface ExportOptions {
  readonly format: ExportFormat;
  /** One row per trial, repeat and epoch instead of one per trial. */
  readonly epochs?: boolean;
}

export type ExportFlags = ExportOptions & { db: string; output?: string };

export async function exportCommand(name: string, flags: ExportFlags): Promise<void> {
  const store = openExistingStore(flags.db);
  try {
    const output = flags.output === undefined ? process.stdout : openOutput(flags.output);
    const rows = await exportStudy(store, name, flags, output);
    if (flags.output !== undefined) process.stdout.write(`wrote ${rows} ${flags.epochs ? 'epochs' : 'trials'} of study ${name} to ${flags.output}\n`);
  } catch (error) {
    // A reader that stops early (`| head`) is not a failure.
    if ((error as { code?: string }).code !== 'EPIPE') throw error;
  } finally {
    await store.close();
  }
}

/**
 * Writes a study's trials (or epochs) to `output`, a page of the store at a time with the
 * stream's back-pressure, and returns how many rows it wrote. Ends `output` unless it is
 * standard output.
 */
export async function exportStudy(store: TrialStore, name: string, options: ExportOptions, output: Writable): Promise<number> {
  const study = await store.getStudy(name);
  // The header comes from the space, known before the first trial is read.
  const paramNames = Object.keys(study.definition.space).sort();
  const columns = options.epochs ? [...EPOCH_EXPORT_COLUMNS] : trialExportColumns(paramNames);
  let count = 0;
  async function* rows(): AsyncGenerator<ExportRow> {
    if (options.epochs) {
      for await (const page of store.epochPages(study.id)) for (const epoch of page) yield epochExportRow(epoch);
    } else {
      for await (const page of store.trialPages(study.id)) for (const trial of page) yield trialExportRow(trial, paramNames);
    }
  }
  const counted = async function* (source: AsyncIterable<ExportRow>): AsyncGenerator<ExportRow> {
    for await (const row of source) {
      count++;
      yield row;
    }
  };
  const format =
    options.format === 'csv'
      ? stringify({ header: true, columns, cast: { boolean: (value) => String(value) } })
      : jsonRecords(options.format);
  await pipeline(Readable.from(counted(rows())), format, output, { end: output !== process.stdout });
  return count;
}

/** Records as one JSON array (a record a line inside it) or as JSON lines. */
function jsonRecords(format: 'json' | 'jsonl'): Transform {
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(record: ExportRow, _encoding, done) {
      const text = JSON.stringify(record);
      if (format === 'jsonl') done(null, `${text}\n`);
      else done(null, `${first ? '[\n' : ',\n'}${text}`);
      first = false;
    },
    flush(done) {
      done(null, format === 'jsonl' ? '' : first ? '[]\n' : '\n]\n');
    },
  });
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
