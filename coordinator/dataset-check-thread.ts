import { parentPort, workerData } from 'node:worker_threads';
import { checkDatasetFiles } from '../src/datasets/check-dataset-files.js';
import type { DatasetSpec } from '../src/datasets/dataset-spec.js';

/** What the thread tells its parent: nothing wrong, or the error to refuse the submit with. */
export type DatasetCheckOutcome = { readonly ok: true } | { readonly ok: false; readonly name: string; readonly message: string };

/**
 * One submit's dataset check, in a thread of its own (DatasetChecker). Only synchronous calls:
 * async ones would queue on the process's shared file-I/O pool, where a path on a hung file
 * system would hold a slot every other read needs; here it holds only this thread.
 */
async function check(spec: DatasetSpec): Promise<DatasetCheckOutcome> {
  try {
    await checkDatasetFiles(spec);
    return { ok: true };
  } catch (error) {
    return { ok: false, name: (error as Error).name, message: (error as Error).message };
  }
}

parentPort?.postMessage(await check(workerData as DatasetSpec));
