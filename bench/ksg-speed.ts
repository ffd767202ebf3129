/**
 * bench:ksg-speed: seconds per KSG estimate at reference report 003's sample size (N = 1,000) for
 * X of 10 dimensions (the last layer, IHYLL) and of 784 (the input images, IXY), with labels as
 * Y. The training loop pays the first once per epoch and the second once per run.
 *   node dist/bench/ksg-speed.js [--samples 1000] [--dims 10,784] [--repeats 3]
 */
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import { labelInformation } from '../src/training/mutual-information/label-information.js';
import { Rng } from '../src/random/rng.js';
import { positiveIntegers } from './option-parsers.js';
import { median } from './quantiles.js';

const options = new Command()
  .name('ksg-speed')
  .description('Seconds per KSG mutual-information estimate of features vs 10-class labels')
  .addOption(new Option('--samples <n>', 'N, the rows').default(1000).argParser(Number))
  .addOption(new Option('--dims <list>', 'feature dimensions').default([10, 784], '10,784').argParser(positiveIntegers))
  .addOption(new Option('--repeats <n>', 'timed estimates per size (after one untimed)').default(3).argParser(Number))
  .parse()
  .opts<{ samples: number; dims: number[]; repeats: number }>();

const rng = new Rng(1);
const labels = Int32Array.from({ length: options.samples }, () => rng.int(0, 9));
for (const dims of options.dims) {
  // Features of order 1 in float32, as tensors give them; a weak dependence on the label.
  const data = new Float32Array(options.samples * dims);
  for (let i = 0; i < data.length; i++) data[i] = rng.float() + 0.1 * (labels[Math.floor(i / dims)] as number);
  const features = { data, rows: options.samples, cols: dims };
  labelInformation(features, labels, 10);
  const seconds: number[] = [];
  let nats = 0;
  for (let r = 0; r < options.repeats; r++) {
    const started = performance.now();
    nats = labelInformation(features, labels, 10, { seed: r });
    seconds.push((performance.now() - started) / 1000);
  }
  console.log(
    `N=${options.samples} d=${dims}: median ${median(seconds).toFixed(3)} s (of ${options.repeats}), I = ${nats.toFixed(3)} nats`,
  );
}
