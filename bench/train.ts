/**
 * bench:train: training throughput, in samples per second on one thread, of our training path
 * (trainRun on the WebAssembly backend, as a Piscina thread runs it) against PyTorch on one
 * thread, on the 10,000 real MNIST digits of the `mnist` package, with a plain `model.fit` of
 * the same model for reference. Models: the seed baseline MLP (784-100-100-10 ReLU) and seed
 * 004's one-convolution CNN; Adam (lr 0.001), batch 50. Both sides get the very same arrays.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { Command, Option } from 'commander';
import { DatasetCache } from '../src/datasets/dataset-cache.js';
import type { LabelledImages } from '../src/datasets/labelled-images.js';
import { buildModel } from '../src/training/build-model.js';
import type { ModelConfig } from '../src/training/settings.js';
import { initBackend } from '../src/training/tf-backend.js';
import { trainRun } from '../src/training/train-run.js';
import { disposeTrainingData, toTrainingData, type TrainingData } from '../src/training/training-data.js';
import { positiveInteger } from '../cli/option-parsers.js';
import { printTable, significant } from './bench-table.js';
import { fusedGemmRates, GEMM_SHAPES, tfGemmRates, wasmVariant } from './gemm.js';
import { wasmSimdPeak, type SimdPeak } from './wasm-simd-peak.js';
import { describeLoad, describeMachine, loadAverage } from './machine-load.js';
import { findPythonPackage, ONE_THREAD, runPython, type PythonPeer } from './optuna-peer.js';
import { namesFrom, positiveSeconds, seed } from './option-parsers.js';
import { median } from './quantiles.js';
import { printResultLine } from './result-line.js';
import { describeTorchBlas, fastTorchBlas } from './torch-blas.js';
import { HIDDEN, SEED_MODELS, SEED_TRAINING, seedModelConfig, TORCH, type SeedModel } from './seed-models.js';

/** The issue's target: ours at least as fast as PyTorch per thread, by wall time, on every model timed. */
const TARGET_RATIO = 1;
/** The issue's target for our matrix products: at least this share of what wasm SIMD allows. */
const CEILING_SHARE = 0.5;
const MODELS = SEED_MODELS;
type ModelName = SeedModel;

interface Options {
  models: ModelName[];
  epochs: number;
  cnnEpochs: number;
  warmup: number;
  repeats: number;
  filters: number;
  seed: number;
  torch: boolean;
  fit: boolean;
  fused: boolean;
  gemm: boolean;
  gemmSeconds: number;
}

const options = new Command()
  .name('train')
  .description('Training samples per second per thread on MNIST, ours (trainRun, wasm) vs PyTorch, with plain model.fit for reference')
  .addOption(new Option('--models <list>', 'models to time: mlp, cnn').default([...MODELS], 'mlp,cnn').argParser(namesFrom(MODELS)))
  .addOption(new Option('--epochs <n>', 'timed epochs per run of the MLP').default(5).argParser(positiveInteger))
  .addOption(new Option('--cnn-epochs <n>', 'timed epochs per run of the CNN').default(1).argParser(positiveInteger))
  .addOption(new Option('--warmup <n>', 'untimed epochs before the timed ones, on every side').default(1).argParser(positiveInteger))
  .addOption(
    new Option('--repeats <n>', 'runs of each side, interleaved; the table shows the median and range')
      .default(3)
      .argParser(positiveInteger),
  )
  .addOption(new Option('--filters <n>', "the CNN's convolution channels").default(32).argParser(positiveInteger))
  .addOption(new Option('--seed <n>', 'seed of the models and shuffles').default(1).argParser(seed))
  .option('--no-torch', 'time ours only')
  .option('--no-fit', 'skip the plain model.fit rows')
  .option('--no-fused', "train ours on TensorFlow.js's kernels, without the fused MLP step (an A/B)")
  .option('--no-gemm', 'skip the GEMM table (matrix products alone)')
  .addOption(new Option('--gemm-seconds <s>', 'seconds of timing per GEMM shape and side').default(1).argParser(positiveSeconds))
  .parse()
  .opts<Options>();

const TRAINING = SEED_TRAINING;

/**
 * Samples per second over the timed epochs of one run, by the wall clock and by the CPU time of
 * the process. On a shared machine the CPU figure is the steadier one: time spent waiting for a
 * core counts in the wall time only.
 */
interface Rates {
  readonly wall: number;
  readonly cpu: number;
}
type Run = (model: ModelName) => Promise<Rates>;

const timedEpochs = (model: ModelName): number => (model === 'mlp' ? options.epochs : options.cnnEpochs);
const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** Wall and CPU time from the end of the warm-up to the end of the timed epochs. */
class EpochClock {
  private wallStart = 0;
  private cpuStart = 0;
  private epochs = 0;
  constructor(private readonly count: number) {}
  start(): void {
    this.wallStart = performance.now() / 1000;
    this.cpuStart = cpuSeconds();
  }
  /** Called at the end of each epoch: the warm-up epochs restart the clock. */
  epochEnd(epoch: number): void {
    if (epoch <= options.warmup) this.start();
    else this.epochs++;
  }
  rates(): Rates {
    const samples = this.count * this.epochs;
    return { wall: samples / (performance.now() / 1000 - this.wallStart), cpu: samples / (cpuSeconds() - this.cpuStart) };
  }
}

const modelConfig = (name: ModelName): ModelConfig => seedModelConfig(name, options.filters);

/** Ours: the product's path, trainRun, with its per-epoch validation on a single example. */
function trainOurs(data: TrainingData, name: ModelName): Rates {
  const clock = new EpochClock(data.train.count);
  const outcome = trainRun({
    data,
    config: { model: modelConfig(name), training: { ...TRAINING, epochs: options.warmup + timedEpochs(name) } },
    seed: options.seed,
    objective: { metric: 'val_accuracy', direction: 'maximize' },
    onEpoch: ({ epoch }) => clock.epochEnd(epoch),
    shouldStop: () => false,
    fused: options.fused,
  });
  if (outcome.status !== 'finished') throw new Error(`ours: the ${name} run ended ${outcome.status}`);
  return clock.rates();
}

/** Plain Keras-style `model.fit` on the same model, data and optimizer, for reference. */
async function fit(data: TrainingData, name: ModelName): Promise<Rates> {
  const model = buildModel(modelConfig(name), data.imageShape, data.classes, options.seed);
  model.compile({
    optimizer: tf.train.adam(TRAINING.learning_rate, TRAINING.beta1, TRAINING.beta2, TRAINING.epsilon),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
    metrics: ['accuracy'],
  });
  const clock = new EpochClock(data.train.count);
  try {
    await model.fit(data.train.x, data.train.y, {
      batchSize: TRAINING.batch_size,
      epochs: options.warmup + timedEpochs(name),
      shuffle: true,
      verbose: 0,
      callbacks: {
        onEpochEnd: (epoch: number) => {
          clock.epochEnd(epoch + 1);
          return Promise.resolve();
        },
      },
    });
  } finally {
    model.optimizer.dispose();
    model.dispose();
  }
  return clock.rates();
}

async function torch(
  peer: PythonPeer & { available: true },
  files: { images: string; labels: string },
  images: LabelledImages,
  name: ModelName,
): Promise<Rates> {
  const [answer] = (await runPython(
    peer,
    'train.py',
    {
      ...files,
      count: images.count,
      pixels: images.images.length / images.count,
      model: name,
      filters: options.filters,
      hidden: HIDDEN,
      epochs: timedEpochs(name),
      warmup: options.warmup,
      batch_size: TRAINING.batch_size,
      learning_rate: TRAINING.learning_rate,
      seed: options.seed,
    },
    undefined,
    ONE_THREAD,
  )) as [{ epoch_seconds: number[]; cpu_seconds: number[] }];
  const samples = images.count * answer.epoch_seconds.length;
  const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
  return { wall: samples / sum(answer.epoch_seconds), cpu: samples / sum(answer.cpu_seconds) };
}

interface Column {
  readonly label: string;
  readonly key: string;
  readonly run: Run;
  /** Per model, one entry per run, in run order (runs of every column interleave). */
  readonly rates: Map<ModelName, Rates[]>;
}

type Clock = keyof Rates;

const round = (value: number): string => (Number.isFinite(value) ? String(Math.round(value)) : String(value));

/** "median [min–max]" of one column's runs. */
function summary(values: readonly number[], format: (value: number) => string): string {
  if (values.length === 0) return '';
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 1
    ? format(median(sorted))
    : `${format(median(sorted))} [${format(sorted[0] as number)}–${format(sorted.at(-1) as number)}]`;
}

/** Run-by-run ratios of two columns: each pair ran one after the other, under the same load. */
function ratios(column: Column, reference: Column, name: ModelName, clock: Clock): number[] {
  const mine = column.rates.get(name) ?? [];
  const theirs = reference.rates.get(name) ?? [];
  return mine.map((rates, i) => rates[clock] / (theirs[i]?.[clock] ?? Number.NaN));
}

async function main(): Promise<void> {
  const peer = options.torch ? findPythonPackage(TORCH) : undefined;
  if (peer && !peer.available) console.log(peer.reason);
  const backend = await initBackend('wasm');
  console.log(describeMachine());
  console.log(await wasmVariant());
  const blas = peer?.available ? fastTorchBlas(peer) : undefined;
  if (blas) console.log(describeTorchBlas(blas));
  // The validation part must hold an example; one keeps trainRun's per-epoch evaluation negligible.
  const split = await new DatasetCache().load({ name: 'bundled-mnist', validation: 1, test: 0, seed: options.seed });
  const data = toTrainingData(split);
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-train-'));
  const files = { images: join(directory, 'images.f32'), labels: join(directory, 'labels.u8') };
  writeFileSync(files.images, split.train.images);
  writeFileSync(files.labels, split.train.labels);

  const columns: Column[] = [
    {
      label: `ours (trainRun, ${options.fused ? 'fused step where it applies' : 'TF.js kernels only'}, ${backend}, 1 thread)`,
      key: 'ours',
      run: (name) => Promise.resolve(trainOurs(data, name)),
      rates: new Map(),
    },
  ];
  if (peer?.available)
    columns.push({
      label: `PyTorch ${peer.version} (1 thread)`,
      key: 'torch',
      run: (name) => torch(peer, files, split.train, name),
      rates: new Map(),
    });
  if (options.fit) columns.push({ label: `plain model.fit (${backend})`, key: 'fit', run: (name) => fit(data, name), rates: new Map() });

  console.log(
    `train: ${split.train.count} MNIST digits, batch ${TRAINING.batch_size}, Adam lr ${TRAINING.learning_rate}; ` +
      `${options.warmup} untimed + ${options.epochs} timed epochs (MLP), ${options.warmup} + ${options.cnnEpochs} (CNN); ${options.repeats} runs per side, interleaved`,
  );
  console.log(`machine at start: ${describeLoad()}`);
  const loadStart = loadAverage();
  try {
    for (let repeat = 1; repeat <= options.repeats; repeat++) {
      for (const name of options.models) {
        // One side at a time, never overlapping, so neither steals the other's core.
        for (const column of columns) {
          console.error(`run ${repeat}/${options.repeats}: ${name}, ${column.label} ...`);
          const value = await column.run(name);
          column.rates.set(name, [...(column.rates.get(name) ?? []), value]);
        }
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
    disposeTrainingData(data);
  }
  console.log(`machine at end: ${describeLoad()}`);

  const [ours, pytorch, plainFit] = [columns[0] as Column, columns.find((c) => c.key === 'torch'), columns.find((c) => c.key === 'fit')];
  const head = [
    'model',
    'clock',
    ...columns.map((c) => `${c.label} samples/s`),
    ...(pytorch ? ['ours/PyTorch'] : []),
    ...(pytorch && plainFit ? ['fit/PyTorch'] : []),
  ];
  const rows: string[][] = [];
  for (const name of options.models) {
    for (const clock of ['cpu', 'wall'] as const) {
      rows.push([
        name === 'mlp' ? `MLP 784-${HIDDEN}-${HIDDEN}-10` : `CNN conv5x5x${options.filters}-pool2-${HIDDEN}-10`,
        clock === 'cpu' ? 'CPU time' : 'wall time',
        ...columns.map((c) =>
          summary(
            (c.rates.get(name) ?? []).map((r) => r[clock]),
            round,
          ),
        ),
        ...(pytorch ? [summary(ratios(ours, pytorch, name, clock), significant)] : []),
        ...(pytorch && plainFit ? [summary(ratios(plainFit, pytorch, name, clock), significant)] : []),
      ]);
    }
  }
  printTable(head, rows);
  console.log('samples/s: median [min–max] over the runs, each a fresh model timed over its epochs after the warm-up; ratios run by run');
  console.log(
    'CPU time: samples per second of CPU the process used (a core to itself); wall time also counts waiting for a core on a shared machine',
  );

  // The issue's target, by the clock a user waits on: ours at least PyTorch's rate on every model timed.
  const wallRatios = pytorch ? options.models.map((name) => median(ratios(ours, pytorch, name, 'wall'))) : [];
  const met = wallRatios.length > 0 && wallRatios.every((ratio) => ratio >= TARGET_RATIO);
  if (pytorch)
    console.log(
      `target: ours at least ${TARGET_RATIO}x PyTorch per thread by wall time on ${options.models.join(' and ')}: ${met ? 'met' : 'NOT met'} (${wallRatios.map((r) => `${significant(r)}x`).join(', ')})`,
    );

  const gemm = options.gemm ? await gemmTable(peer?.available ? peer : undefined) : undefined;

  const result: Record<string, number | string> = {
    samples: split.train.count,
    batch: TRAINING.batch_size,
    repeats: options.repeats,
    load_start: loadStart,
    load_end: loadAverage(),
  };
  for (const name of options.models) {
    for (const column of columns) {
      result[`${column.key}_${name}_cpu`] = median((column.rates.get(name) ?? []).map((r) => r.cpu));
      result[`${column.key}_${name}_wall`] = median((column.rates.get(name) ?? []).map((r) => r.wall));
    }
    if (pytorch) {
      result[`ratio_${name}_cpu`] = median(ratios(ours, pytorch, name, 'cpu'));
      result[`ratio_${name}_wall`] = median(ratios(ours, pytorch, name, 'wall'));
    }
  }
  if (gemm) {
    result.wasm_simd_ceiling = gemm.ceiling.gflops;
    result.wasm_relaxed_ceiling = typeof gemm.ceiling.relaxed === 'number' ? gemm.ceiling.relaxed : 'unavailable';
    GEMM_SHAPES.forEach((shape, i) => {
      result[`gemm_ours_${shape.key}`] = gemm.ours[i] ?? Number.NaN;
      result[`gemm_tfjs_${shape.key}`] = gemm.tfjs[i] ?? Number.NaN;
      if (gemm.torch) result[`gemm_torch_${shape.key}`] = gemm.torch[i] ?? Number.NaN;
    });
  }
  if (blas) result.torch_blas = blas.kind.replace(/ /g, '_');
  if (!pytorch) result.torch = 'skipped';
  if (pytorch) result.target = met ? 'met' : 'missed';
  printResultLine(result);
}

/**
 * The matrix products of a training step alone, GFLOP/s on one thread: ours (the fused MLP
 * step's kernels; tf.matMul on the wasm backend, the path of the models the fused step does not
 * cover, beside them) and torch.mm, timed the same way, one side after the other. A training rate far
 * below the other side's is explained here when the products are, and by the rest of the step
 * when they are not.
 */
async function gemmTable(
  peer: (PythonPeer & { available: true }) | undefined,
): Promise<{ ours: number[]; tfjs: number[]; torch?: number[]; ceiling: SimdPeak }> {
  console.error('GEMM: the wasm SIMD ceiling ...');
  const ceiling = wasmSimdPeak(options.gemmSeconds);
  console.error('GEMM: ours ...');
  const ours = fusedGemmRates(GEMM_SHAPES, options.gemmSeconds);
  const tfjs = tfGemmRates(GEMM_SHAPES, options.gemmSeconds);
  let torch: number[] | undefined;
  let threads = '';
  if (peer) {
    console.error('GEMM: PyTorch ...');
    const shapes = GEMM_SHAPES.map(({ m, k, n, transposeA, transposeB }) => [m, k, n, transposeA, transposeB]);
    const [answer] = (await runPython(peer, 'gemm.py', { shapes, seconds: options.gemmSeconds }, undefined, ONE_THREAD)) as [
      { gflops: number[]; threads: number; interop_threads: number },
    ];
    torch = answer.gflops;
    threads = ` (threads ${answer.threads}, inter-op ${answer.interop_threads})`;
  }
  const head = [
    'product (m x k . k x n)',
    'ours GFLOP/s',
    'ours/wasm SIMD ceiling',
    'tf.matMul GFLOP/s',
    ...(torch ? [`torch.mm GFLOP/s${threads}`, 'ours/torch'] : []),
  ];
  printTable(
    head,
    GEMM_SHAPES.map((shape, i) => {
      const mine = ours[i] ?? Number.NaN;
      const theirs = torch?.[i] ?? Number.NaN;
      return [
        shape.label,
        significant(mine),
        significant(mine / ceiling.gflops),
        significant(tfjs[i] ?? Number.NaN),
        ...(torch ? [significant(theirs), significant(mine / theirs)] : []),
      ];
    }),
  );
  console.log(
    "GEMM: each product alone on one thread, the best of five rounds of repeated calls; ours: the fused training step's kernels (kernels/training.ts); tf.matMul: TensorFlow.js's wasm backend, which CNNs train on",
  );
  const relaxed = typeof ceiling.relaxed === 'number' ? `${significant(ceiling.relaxed)} GFLOP/s` : ceiling.relaxed;
  console.log(
    `wasm SIMD ceiling: ${significant(ceiling.gflops)} GFLOP/s (f32x4 multiplies and adds on registers, one thread); with relaxed_madd: ${relaxed}`,
  );
  const below = GEMM_SHAPES.filter((_, i) => (ours[i] ?? 0) < CEILING_SHARE * ceiling.gflops).map((shape) => shape.key);
  console.log(
    `target: every product at least ${CEILING_SHARE * 100} % of the wasm SIMD ceiling: ${below.length === 0 ? 'met' : `NOT met (${below.join(', ')})`}`,
  );
  return { ours, tfjs, ceiling, ...(torch ? { torch } : {}) };
}

await main();
