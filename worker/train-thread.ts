import { workerData } from 'node:worker_threads';
import { initBackend } from '../src/training/tf-backend.js';
import { disposeTrainingData, toTrainingData, type TrainingData } from '../src/training/training-data.js';
import { resolveTrialConfig } from '../src/training/trial-config.js';
import { trainRun } from '../src/training/train-run.js';
import { decodeCheckpoint, encodeCheckpoint } from '../src/training/checkpoint/checkpoint-codec.js';
import { sha256Hex } from '../src/files/sha256.js';
import type { ThreadMessage, ThreadOptions, ThreadTask } from './thread-messages.js';

/** Splits kept as tensors per thread; a sweep uses one, so two leave room for a second study. */
const CACHED_SPLITS = 2;

const options = workerData as ThreadOptions;
let backend: Promise<string> | undefined;
const cache = new Map<string, TrainingData>();

/**
 * Piscina task: one repeat of one trial. The thread stays alive between tasks, so the backend
 * start-up and the copy of the data into backend memory are paid once per thread, not per trial.
 */
export default async function runTask(task: ThreadTask): Promise<void> {
  const post = (message: ThreadMessage): void => task.port.postMessage(message);
  try {
    backend ??= initBackend(options.backend);
    await backend;
    const data = trainingData(task);
    const plan = task.assignment.checkpoint;
    const outcome = trainRun({
      data,
      config: resolveTrialConfig(task.assignment.task, task.assignment.params),
      seed: task.assignment.seed,
      objective: task.assignment.objective,
      onEpoch: (report) => {
        post({ type: 'epoch', report });
        awaitAnswer(task, report.epoch);
      },
      shouldStop: () => Atomics.load(task.stopFlag, 0) !== 0,
      ...(task.resume && { resumeFrom: decodeCheckpoint(task.resume) }),
      ...(plan && {
        checkpoint: {
          every: plan.every,
          final: plan.final,
          ...(plan.stopAfter !== undefined && { stopAfter: plan.stopAfter }),
          ...(plan.freshBest && { freshBest: true }),
          save: (state) => {
            // Encoded here, off the main thread; the bytes move to it without a copy.
            const bytes = encodeCheckpoint(state);
            const message: ThreadMessage = { type: 'checkpoint', epoch: state.epoch, data: bytes, sha256: sha256Hex(bytes) };
            task.port.postMessage(message, [bytes.buffer as ArrayBuffer]);
          },
        },
      }),
    });
    post({ type: 'done', outcome });
  } catch (error) {
    post({ type: 'done', outcome: { status: 'error', message: (error as Error).message } });
  } finally {
    task.port.close();
  }
}

/**
 * How long a thread waits, after an epoch, for the pool's answer to its report before it goes
 * on without it. Waiting makes a stop (pruning, early stopping) take effect at the epoch it was
 * decided for, whatever the speed of training: without it a fast run trains on while the report
 * travels, and how many epochs a stopped run has depends on the machine. The bound keeps a slow
 * or unreachable coordinator from holding training up for more than this per epoch.
 */
const ANSWER_WAIT_MS = 2_000;

function awaitAnswer(task: ThreadTask, epoch: number): void {
  const deadline = Date.now() + ANSWER_WAIT_MS;
  for (;;) {
    const seen = Atomics.load(task.answered, 0);
    if (seen >= epoch || Atomics.load(task.stopFlag, 0) !== 0) return;
    const left = deadline - Date.now();
    if (left <= 0 || Atomics.wait(task.answered, 0, seen, left) === 'timed-out') return;
  }
}

function trainingData(task: ThreadTask): TrainingData {
  const key = task.split.key;
  let data = cache.get(key);
  if (data) {
    cache.delete(key); // re-inserted below: the Map's order is the recency order
  } else {
    data = toTrainingData(task.split);
    if (cache.size >= CACHED_SPLITS) {
      const [oldestKey, oldest] = cache.entries().next().value as [string, TrainingData];
      cache.delete(oldestKey);
      disposeTrainingData(oldest);
    }
  }
  cache.set(key, data);
  return data;
}
