import { openSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

/**
 * A dataset-check thread stuck in a system call, as on a hung file system: opening a FIFO for
 * reading (without O_NONBLOCK) waits for a writer, and terminate() cannot end a thread there.
 * The test releases it by opening the FIFO (`workerData.dir`) for writing.
 */
openSync((workerData as { dir: string }).dir, 'r');
