/**
 * bench:checkpoint: what a checkpoint every epoch costs built-in training (issue 16, point 7),
 * for the seed MLP (784-100-100-10) and the seed CNN (conv 5x5x32, pool 2, 100, 10) with Adam on
 * the bundled MNIST digits: per checkpoint, the milliseconds from the end of the epoch's
 * validation to the checkpoint on disk (the state captured, encoded, its SHA-256 taken, written
 * to a temporary file, fsync'd and renamed over the last one) and its bytes, against the epoch's
 * own time. Goal: under 2 % of an epoch. PyTorch, in the same run, saving the same model and Adam
 * state the way its users do (torch.save of both state_dicts, fsync, os.replace).
 */
import { sha256Hex } from '../src/files/sha256.js';
import { closeSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { positiveInteger } from '../cli/option-parsers.js';
import { DatasetCache } from '../src/datasets/dataset-cache.js';
import { encodeCheckpoint } from '../src/training/checkpoint/checkpoint-codec.js';
import type { ModelConfig } from '../src/training/settings.js';
import { initBackend } from '../src/training/tf-backend.js';
import { toTrainingData } from '../src/training/training-data.js';
import { trainRun } from '../src/training/train-run.js';
import { printTable } from './bench-table.js';
import { describeLoad, loadAverage, describeMachine } from './machine-load.js';
import { findPythonPackage, runPython } from './optuna-peer.js';
import { namesFrom, seed } from './option-parsers.js';
import { median } from './quantiles.js';
import { printResultLine } from './result-line.js';
import { HIDDEN, SEED_MODELS, SEED_TRAINING, seedModelConfig, TORCH, type SeedModel } from './seed-models.js';

/** The goal: a checkpoint every epoch costs under 2 % of the epoch. */
const TARGET_PERCENT = 2;
const MODELS = SEED_MODELS;
type ModelName = SeedModel;
/** Adam, as bench:train (the default optimizer), said here because the checkpoint's size depends on it. */
const TRAINING = { ...SEED_TRAINING, optimizer: 'adam' as const };

interface Options {
  models: ModelName[];
  epochs: number;
  filters: number;
  seed: number;
  torch: boolean;
}

const options = new Command()
  .name('checkpoint')
  .description('Milliseconds and bytes per checkpoint (every epoch) against the epoch, MLP and CNN; ours vs PyTorch torch.save')
  .addOption(new Option('--models <list>', 'mlp, cnn').default([...MODELS], 'mlp,cnn').argParser(namesFrom(MODELS)))
  .addOption(
    new Option('--epochs <n>', 'epochs per model, each checkpointed (the first is not counted: warm-up)')
      .default(4)
      .argParser(positiveInteger),
  )
  .addOption(new Option('--filters <n>', "the CNN's convolution channels").default(32).argParser(positiveInteger))
  .addOption(new Option('--seed <n>', 'seed of the models and shuffles').default(1).argParser(seed))
  .option('--no-torch', 'ours only')
  .parse()
  .opts<Options>();

const modelConfig = (name: ModelName): ModelConfig => seedModelConfig(name, options.filters);

/** Written as a checkpoint directory would be: a temporary file, fsync'd, renamed over the last one. */
function writeDurably(path: string, bytes: Uint8Array): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

interface Measured {
  readonly epochMs: number;
  readonly checkpointMs: number;
  readonly captureMs: number;
  readonly bytes: number;
}

async function main(): Promise<void> {
  const load = loadAverage();
  console.log(`checkpoint: a checkpoint every epoch, Adam, bundled MNIST; ${options.epochs} epochs a model, the first not counted`);
  console.log(describeMachine());
  const peer = options.torch ? findPythonPackage(TORCH) : undefined;
  if (peer && !peer.available) console.log(peer.reason);
  await initBackend('wasm');
  const split = await new DatasetCache().load({ name: 'bundled-mnist', validation: 1000, test: 0, seed: options.seed });
  const data = toTrainingData(split);
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-checkpoint-'));
  const result: Record<string, number | string> = { epochs: options.epochs, train_samples: data.train.count };
  let met = true;
  try {
    const rows: (string | number)[][] = [];
    for (const name of options.models) {
      const measured: Measured[] = [];
      let epochEnded = 0;
      let epochMs = 0;
      const path = join(directory, `${name}.ckpt`);
      const outcome = trainRun({
        data,
        config: { model: modelConfig(name), training: { ...TRAINING, epochs: options.epochs } },
        seed: options.seed,
        objective: { metric: 'val_accuracy', direction: 'maximize' },
        onEpoch: ({ metrics }) => {
          epochEnded = performance.now();
          epochMs = (metrics.epochSeconds ?? Number.NaN) * 1000;
        },
        shouldStop: () => false,
        checkpoint: {
          every: 1,
          // The last epoch too (as a sweep keeping its best models does): every epoch is measured.
          final: true,
          save: (state) => {
            const captured = performance.now();
            const bytes = encodeCheckpoint(state);
            sha256Hex(bytes);
            writeDurably(path, bytes);
            measured.push({ epochMs, captureMs: captured - epochEnded, checkpointMs: performance.now() - epochEnded, bytes: bytes.length });
          },
        },
      });
      if (outcome.status !== 'finished') throw new Error(`the ${name} run ended ${outcome.status}`);
      const counted = measured.slice(1);
      const ms = median(counted.map((m) => m.checkpointMs));
      const epoch = median(counted.map((m) => m.epochMs));
      const percent = (ms / epoch) * 100;
      met &&= percent < TARGET_PERCENT;
      const bytes = measured[0]?.bytes ?? 0;
      let torchMs = Number.NaN;
      let torchBytes = Number.NaN;
      if (peer?.available) {
        const [answer] = (await runPython(peer, 'checkpoint.py', {
          model: name,
          pixels: split.train.images.length / split.train.count,
          filters: options.filters,
          hidden: HIDDEN,
          learning_rate: TRAINING.learning_rate,
          batch_size: TRAINING.batch_size,
          times: 5,
          path: join(directory, `${name}.pt`),
          seed: options.seed,
        })) as [{ bytes: number; save_ms: number[] }];
        torchMs = median(answer.save_ms.slice(1));
        torchBytes = answer.bytes;
      }
      rows.push([name, bytes, median(counted.map((m) => m.captureMs)), ms, epoch, percent, torchMs, torchBytes, ms / torchMs]);
      Object.assign(result, {
        [`${name}_bytes`]: bytes,
        [`${name}_checkpoint_ms`]: ms,
        [`${name}_capture_ms`]: median(counted.map((m) => m.captureMs)),
        [`${name}_epoch_ms`]: epoch,
        [`${name}_percent_of_epoch`]: percent,
        [`${name}_torch_ms`]: torchMs,
        [`${name}_torch_bytes`]: torchBytes,
      });
    }
    printTable(['model', 'bytes', 'capture ms', 'ours ms', 'epoch ms', '% of epoch', 'PyTorch ms', 'PyTorch bytes', 'ours/PyTorch'], rows);
    console.log(`target: a checkpoint every epoch under ${TARGET_PERCENT} % of the epoch: ${met ? 'met' : 'NOT met'}`);
    const end = loadAverage();
    console.log(`machine at end: ${describeLoad()}`);
    printResultLine({
      ...result,
      torch: peer?.available ? 'yes' : 'skipped',
      load_start: load,
      load_end: end,
      target: met ? 'met' : 'missed',
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
