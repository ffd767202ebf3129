import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { TrialStore } from '../../src/store/trial-store.js';
import type { TrialState } from '../../src/core/trial-state.js';
import { jsonWithoutControls } from '../../src/logging/visible-controls.js';
import { visibleControlsStage } from './terminal.js';
import type { ExportFormat } from './export-formats.js';
import { extraNames } from '../../src/views/trial-detail-json.js';
import { EPOCH_EXPORT_COLUMNS, epochExportRow, extraColumn, trialExportColumns, trialExportRow, type ExportRow } from './export-rows.js';

export interface ExportOptions {
  readonly format: ExportFormat;
  /** One row per trial, repeat and epoch instead of one per trial. */
  readonly epochs?: boolean;
  /** Only trials in these states (`trials --state S --csv`); every trial without it. */
  readonly states?: readonly TrialState[];
}

/**
 * Writes a study's trials (or epochs) to `output`, a page of the store at a time with the
 * stream's back-pressure, and returns how many rows it wrote. Ends `output` unless it is
 * standard output. The one writer of trials as CSV: `export` and `trials --csv` both call it.
 */
export async function exportStudy(store: TrialStore, name: string, options: ExportOptions, output: Writable): Promise<number> {
  const study = await store.getStudy(name);
  // The header comes from the space, known before the first trial is read.
  const paramNames = Object.keys(study.definition.space).sort();
  const columns = options.epochs
    ? [...EPOCH_EXPORT_COLUMNS, ...(options.format === 'csv' ? (await studyExtraNames(store, study.id)).map(extraColumn) : [])]
    : trialExportColumns(paramNames);
  let count = 0;
  async function* rows(): AsyncGenerator<ExportRow> {
    if (options.epochs) {
      for await (const page of store.epochPages(study.id)) for (const epoch of page) yield epochExportRow(epoch);
    } else {
      for await (const page of store.trialPages(study.id)) {
        for (const trial of page)
          if (options.states === undefined || options.states.includes(trial.state)) yield trialExportRow(trial, paramNames);
      }
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
  // JSON escapes what a terminal would act on (jsonRecords); CSV holds it raw, so a terminal sees it escaped.
  const toTerminal = options.format === 'csv' && output === process.stdout && process.stdout.isTTY === true;
  try {
    if (toTerminal) await pipeline(Readable.from(counted(rows())), format, visibleControlsStage(), output, { end: false });
    else await pipeline(Readable.from(counted(rows())), format, output, { end: output !== process.stdout });
  } catch (error) {
    // A reader that stops early (`| head`) is not a failure.
    if ((error as { code?: string }).code !== 'EPIPE') throw error;
  }
  return count;
}

/**
 * The extra metrics any epoch of the study has, sorted: CSV's header names every column before
 * the first row, so the epochs are read once more for it, a page at a time.
 */
async function studyExtraNames(store: TrialStore, studyId: number): Promise<string[]> {
  const names = new Set<string>();
  for await (const page of store.epochPages(studyId)) for (const name of extraNames(page)) names.add(name);
  return [...names].sort();
}

/** Records as one JSON array (a record a line inside it) or as JSON lines, with no raw control character. */
function jsonRecords(format: 'json' | 'jsonl'): Transform {
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(record: ExportRow, _encoding, done) {
      const text = jsonWithoutControls(JSON.stringify(record));
      if (format === 'jsonl') done(null, `${text}\n`);
      else done(null, `${first ? '[\n' : ',\n'}${text}`);
      first = false;
    },
    flush(done) {
      done(null, format === 'jsonl' ? '' : first ? '[]\n' : '\n]\n');
    },
  });
}
