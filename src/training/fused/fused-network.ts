import * as tf from '@tensorflow/tfjs';
import type { EpochTotals, TrainEpochOptions } from '../train-epoch.js';
import type { TensorPart } from '../training-data.js';
import { instantiateKernels, type ActivationKind, type TrainingKernels } from './training-kernels.js';
import { networkPlan, type ConvBlockPlan, type DenseLayerPlan, type NetworkPlan } from './network-plan.js';
import { OptimizerSlots } from './optimizer-slots.js';

const FLOAT = 4;
const PAGE = 65_536;
/** What a 32-bit wasm memory can address (V8 allows up to 4 GiB). */
const MAX_MEMORY = 2 ** 32 - PAGE;

/** A trainable layer's buffers in the kernels' memory (byte offsets). */
interface Weights {
  readonly kernel: number;
  readonly bias: number;
  readonly kernelGradient: number;
  readonly biasGradient: number;
  /** The optimizer's slots of the kernel and of the bias (none, one or two of each). */
  readonly kernelSlots: readonly number[];
  readonly biasSlots: readonly number[];
  /** The kernel transposed, for the gradient of the layer's input. */
  readonly transposed: number;
  readonly kernelSize: number;
  readonly units: number;
  readonly variables: { readonly kernel: tf.LayerVariable; readonly bias: tf.LayerVariable };
}

interface DenseBuffers extends Weights {
  readonly plan: DenseLayerPlan;
  /** The layer's output after its activation (the logits for the last), batch x units. */
  readonly output: number;
  /** The loss's gradient with respect to that output, then (in place) to the layer's z. */
  readonly outputGradient: number;
}

interface ConvBuffers extends Weights {
  readonly plan: ConvBlockPlan;
  /** The input's patches, one row per output pixel (im2col). */
  readonly patches: number;
  /** The activation's output, batch x outHeight x outWidth x filters, and its gradient. */
  readonly activated: number;
  readonly activatedGradient: number;
  /** After pooling (the activation's buffers when pool is 1), and where each maximum came from. */
  readonly output: number;
  readonly outputGradient: number;
  readonly argmax: number;
  /** The gradient of the patches, for the block below (blocks after the first). */
  readonly patchesGradient: number;
}

/**
 * A network's training step in a few dozen WebAssembly calls (kernels/training.ts) instead of
 * TensorFlow.js's hundreds of kernels: convolution blocks (im2col and a product, activation,
 * max-pooling), dense layers, softmax cross-entropy, backward, and the optimizer's update on
 * weights held in the kernels' own memory.
 *
 * The model and optimizer stay the truth between epochs: an epoch starts by copying their
 * weights and slots in and ends (or stops) by writing them back, so best weights, checkpoints,
 * resuming, PBT and the test evaluation see TensorFlow.js's objects as before; the validation
 * pass (evaluate) runs here, on the weights the epoch ended with. The copies are a few hundred
 * kilobytes to a few megabytes an epoch.
 */
export class FusedNetwork {
  private readonly convolutions: ConvBuffers[] = [];
  private readonly layers: DenseBuffers[] = [];
  private readonly input: number;
  private readonly inputSize: number;
  private readonly labels: number;
  private readonly slots: OptimizerSlots;

  /** The fused step for this model and optimizer, or why there is none (TensorFlow.js's path then). */
  static create(model: tf.LayersModel, optimizer: tf.Optimizer, maxBatch: number): FusedNetwork | { readonly unsupported: string } {
    const plan = networkPlan(model, optimizer);
    if ('unsupported' in plan) return plan;
    const instance = instantiateKernels();
    if ('unavailable' in instance) return { unsupported: `no training kernels (${instance.unavailable})` };
    try {
      return new FusedNetwork(plan, optimizer, maxBatch, instance.kernels, instance.codes);
    } catch (error) {
      // A network whose buffers a 32-bit wasm memory cannot hold trains on TensorFlow.js instead.
      if (error instanceof RangeError) return { unsupported: `its buffers do not fit a wasm memory (${error.message})` };
      throw error;
    }
  }

  private constructor(
    plan: NetworkPlan,
    optimizer: tf.Optimizer,
    private readonly maxBatch: number,
    private readonly kernels: TrainingKernels,
    private readonly codes: Record<ActivationKind, number>,
  ) {
    this.slots = new OptimizerSlots(optimizer, plan.optimizer);
    let next = align(kernels.heapBase());
    const reserve = (floats: number): number => {
      const at = next;
      next = align(next + floats * FLOAT);
      return at;
    };
    const weights = (kernelSize: number, units: number, variables: Weights['variables']): Weights => ({
      kernel: reserve(kernelSize),
      bias: reserve(units),
      kernelGradient: reserve(kernelSize),
      biasGradient: reserve(units),
      kernelSlots: Array.from({ length: this.slots.perWeight }, () => reserve(kernelSize)),
      biasSlots: Array.from({ length: this.slots.perWeight }, () => reserve(units)),
      transposed: reserve(kernelSize),
      kernelSize,
      units,
      variables,
    });
    const first = plan.convolutions[0];
    this.inputSize = first ? first.height * first.width * first.channels : (plan.layers[0] as DenseLayerPlan).inputs;
    this.input = reserve(maxBatch * this.inputSize);
    this.labels = reserve(maxBatch);
    plan.convolutions.forEach((block, index) => {
      const pixels = maxBatch * block.outHeight * block.outWidth;
      const patch = block.size * block.size * block.channels;
      const activated = reserve(pixels * block.filters);
      const activatedGradient = reserve(pixels * block.filters);
      const pooled = block.pool > 1;
      const pooledSize = maxBatch * Math.floor(block.outHeight / block.pool) * Math.floor(block.outWidth / block.pool) * block.filters;
      this.convolutions.push({
        plan: block,
        ...weights(patch * block.filters, block.filters, block),
        patches: reserve(pixels * patch),
        activated,
        activatedGradient,
        output: pooled ? reserve(pooledSize) : activated,
        outputGradient: pooled ? reserve(pooledSize) : activatedGradient,
        argmax: pooled ? reserve(pooledSize) : 0,
        patchesGradient: index > 0 ? reserve(pixels * patch) : 0,
      });
    });
    for (const layer of plan.layers) {
      this.layers.push({
        plan: layer,
        ...weights(layer.inputs * layer.units, layer.units, layer),
        output: reserve(maxBatch * layer.units),
        outputGradient: reserve(maxBatch * layer.units),
      });
    }
    if (next > MAX_MEMORY) throw new RangeError(`${Math.ceil(next / 2 ** 20)} MiB needed, ${Math.floor(MAX_MEMORY / 2 ** 20)} MiB at most`);
    const missing = next - kernels.memory.buffer.byteLength;
    if (missing > 0) kernels.memory.grow(Math.ceil(missing / PAGE));
  }

  /**
   * One epoch, as trainEpoch runs it on TensorFlow.js (same batches, same order, same totals),
   * with the optimizer's current learning rate.
   */
  trainEpoch({ optimizer, part, order, batchSize, shouldStop }: Omit<TrainEpochOptions, 'model'>): EpochTotals | 'stopped' {
    if (batchSize > this.maxBatch) throw new Error(`batch of ${batchSize} in a fused step sized for ${this.maxBatch}`);
    this.pull();
    const learningRate = (optimizer as unknown as { learningRate: number }).learningRate;
    let loss = 0;
    let hits = 0;
    try {
      for (let start = 0; start < part.count; start += batchSize) {
        const size = Math.min(batchSize, part.count - start);
        this.load(part.host.images, part.host.labels, (i) => order[start + i] as number, size);
        const step = this.step(size, learningRate);
        loss += step.loss * size;
        hits += step.hits;
        if (shouldStop()) return 'stopped';
      }
      return { loss: loss / part.count, accuracy: hits / part.count };
    } finally {
      this.push();
    }
  }

  /**
   * Mean softmax cross-entropy and accuracy on `part` of the weights the last trainEpoch ended
   * with (call it right after one), as trainRun's evaluate() computes them on the model: the
   * validation pass of every epoch, a forward pass in batches instead of TensorFlow.js's kernels.
   */
  evaluate(part: TensorPart): { loss: number; accuracy: number } {
    const rows = (start: number) => (i: number) => start + i;
    let loss = 0;
    let hits = 0;
    for (let start = 0; start < part.count; start += this.maxBatch) {
      const size = Math.min(this.maxBatch, part.count - start);
      this.load(part.host.images, part.host.labels, rows(start), size);
      loss += this.forwardLoss(size) * size;
      hits += this.kernels.lastHits();
    }
    return { loss: loss / part.count, accuracy: hits / part.count };
  }

  /** Copies the examples row(0..size-1) and their labels into the kernels' memory. */
  private load(images: Float32Array, labels: Uint8Array, row: (i: number) => number, size: number): void {
    const inputs = this.inputSize;
    const heap = new Float32Array(this.kernels.memory.buffer);
    const labelHeap = new Int32Array(this.kernels.memory.buffer, this.labels, size);
    const base = this.input / FLOAT;
    for (let i = 0; i < size; i++) {
      const at = row(i);
      heap.set(images.subarray(at * inputs, (at + 1) * inputs), base + i * inputs);
      labelHeap[i] = labels[at] as number;
    }
  }

  /** The loaded batch's forward pass and mean cross-entropy; leaves the loss's gradient in the logits' buffer and the hits in lastHits(). */
  private forwardLoss(size: number): number {
    const k = this.kernels;
    let input = this.input;
    for (const block of this.convolutions) input = this.convolutionForward(block, input, size);
    for (const layer of this.layers) {
      const { inputs, units, activation, alpha } = layer.plan;
      k.gemm(input, inputs * FLOAT, FLOAT, layer.kernel, layer.output, size, inputs, units);
      k.biasActivation(layer.output, layer.bias, size, units, this.codes[activation], alpha);
      input = layer.output;
    }
    const logits = this.layers.at(-1) as DenseBuffers;
    return k.softmaxCrossEntropy(logits.output, this.labels, size, logits.plan.units, logits.outputGradient);
  }

  /** Forward, loss, backward and update on the loaded batch of `size`. */
  private step(size: number, learningRate: number): { loss: number; hits: number } {
    const k = this.kernels;
    let loss = this.forwardLoss(size);
    const hits = k.lastHits();
    for (const layer of this.trainable()) if (layer.plan.l2 > 0) loss += layer.plan.l2 * k.sumOfSquares(layer.kernel, layer.kernelSize);

    const lastBlock = this.convolutions.at(-1);
    for (let index = this.layers.length - 1; index >= 0; index--) {
      const layer = this.layers[index] as DenseBuffers;
      const { inputs, units, activation, alpha } = layer.plan;
      k.activationGradient(layer.outputGradient, layer.output, size * units, this.codes[activation], alpha);
      const below = index > 0 ? (this.layers[index - 1] as DenseBuffers) : lastBlock;
      const layerInput = index > 0 ? (below as DenseBuffers).output : (lastBlock?.output ?? this.input);
      // dW = inputᵀ dz: the input read transposed (rows of dW run over the input's columns).
      k.gemm(layerInput, FLOAT, inputs * FLOAT, layer.outputGradient, layer.kernelGradient, inputs, size, units);
      k.columnSums(layer.outputGradient, size, units, layer.biasGradient);
      // d(input) = dz Wᵀ, into the gradient of what is below (before any update of W).
      if (below) this.inputGradient(layer, layer.outputGradient, size, units, inputs, below.outputGradient);
    }
    for (let index = this.convolutions.length - 1; index >= 0; index--)
      this.convolutionBackward(this.convolutions[index] as ConvBuffers, index > 0 ? this.convolutions[index - 1] : undefined, size);

    this.slots.beginStep(learningRate);
    for (const layer of this.trainable()) {
      if (layer.plan.l2 > 0) k.addScaled(layer.kernelGradient, layer.kernel, layer.kernelSize, 2 * layer.plan.l2);
      this.slots.update(k, layer.kernel, layer.kernelGradient, layer.kernelSlots, layer.kernelSize);
      this.slots.update(k, layer.bias, layer.biasGradient, layer.biasSlots, layer.units);
    }
    this.slots.endStep();
    return { loss, hits };
  }

  /** rows x inputs = (rows x units) . kernelᵀ, the kernel (inputs x units) transposed first. */
  private inputGradient(layer: Weights, gradient: number, rows: number, units: number, inputs: number, into: number): void {
    this.kernels.transpose(layer.kernel, inputs, units, layer.transposed);
    this.kernels.gemm(gradient, units * FLOAT, FLOAT, layer.transposed, into, rows, units, inputs);
  }

  private convolutionForward(block: ConvBuffers, input: number, size: number): number {
    const k = this.kernels;
    const p = block.plan;
    const rows = size * p.outHeight * p.outWidth;
    const patch = p.size * p.size * p.channels;
    k.im2col(input, size, p.height, p.width, p.channels, p.size, p.padTop, p.padLeft, p.outHeight, p.outWidth, block.patches);
    k.gemm(block.patches, patch * FLOAT, FLOAT, block.kernel, block.activated, rows, patch, p.filters);
    k.biasActivation(block.activated, block.bias, rows, p.filters, this.codes[p.activation], p.alpha);
    if (p.pool > 1) k.maxPool(block.activated, size, p.outHeight, p.outWidth, p.filters, p.pool, block.output, block.argmax);
    return block.output;
  }

  private convolutionBackward(block: ConvBuffers, below: ConvBuffers | undefined, size: number): void {
    const k = this.kernels;
    const p = block.plan;
    const rows = size * p.outHeight * p.outWidth;
    const patch = p.size * p.size * p.channels;
    if (p.pool > 1) {
      const pooled = size * Math.floor(p.outHeight / p.pool) * Math.floor(p.outWidth / p.pool) * p.filters;
      k.maxPoolGradient(block.outputGradient, block.argmax, pooled, block.activatedGradient, rows * p.filters);
    }
    k.activationGradient(block.activatedGradient, block.activated, rows * p.filters, this.codes[p.activation], p.alpha);
    k.gemm(block.patches, FLOAT, patch * FLOAT, block.activatedGradient, block.kernelGradient, patch, rows, p.filters);
    k.columnSums(block.activatedGradient, rows, p.filters, block.biasGradient);
    if (!below) return;
    this.inputGradient(block, block.activatedGradient, rows, p.filters, patch, block.patchesGradient);
    k.col2im(
      block.patchesGradient,
      size,
      p.height,
      p.width,
      p.channels,
      p.size,
      p.padTop,
      p.padLeft,
      p.outHeight,
      p.outWidth,
      below.outputGradient,
    );
  }

  /** Convolutions then dense layers: the model's trainable weights in order (the optimizer's slot order). */
  private trainable(): (Weights & { plan: { l2: number } })[] {
    return [...this.convolutions, ...this.layers];
  }

  /** The model's weights and the optimizer's slots into the kernels' memory. */
  private pull(): void {
    const heap = new Float32Array(this.kernels.memory.buffer);
    this.weights().forEach(({ variable, at, slots }, index) => {
      heap.set(variable.dataSync(), at / FLOAT);
      this.slots.read(index, variable).forEach((values, slot) => heap.set(values, (slots[slot] as number) / FLOAT));
    });
    this.slots.readPowers();
  }

  /** The kernels' weights and slots back into the model and the optimizer. */
  private push(): void {
    const heap = new Float32Array(this.kernels.memory.buffer);
    this.weights().forEach(({ variable, at, slots }, index) => {
      const values = (offset: number): Float32Array => heap.slice(offset / FLOAT, offset / FLOAT + variable.size);
      tf.tidy(() => variable.assign(tf.tensor(values(at), variable.shape)));
      this.slots.write(
        index,
        variable,
        slots.map((offset) => values(offset)),
      );
    });
    this.slots.writePowers();
  }

  /** Every trainable weight, in the model's order, with its buffers. */
  private weights(): { variable: tf.Variable; at: number; slots: readonly number[] }[] {
    // A LayerVariable's read() is its tf.Variable (typed as a Tensor).
    return this.trainable().flatMap((layer) => [
      { variable: layer.variables.kernel.read() as tf.Variable, at: layer.kernel, slots: layer.kernelSlots },
      { variable: layer.variables.bias.read() as tf.Variable, at: layer.bias, slots: layer.biasSlots },
    ]);
  }
}

/** 16-byte alignment, for the kernels' 128-bit loads. */
function align(offset: number): number {
  return Math.ceil(offset / 16) * 16;
}
