import * as tf from '@tensorflow/tfjs';
import type { TrainingKernels } from './training-kernels.js';
import type { OptimizerPlan } from './network-plan.js';

type Slot = { originalName: string; variable: tf.Variable } | undefined;

/** The fields TensorFlow.js's optimizers keep their state in (see checkpoint/training-state.ts). */
interface OptimizerInsides {
  iterations_?: number;
  accumulations?: Slot[];
  accumulatedFirstMoment?: Slot[];
  accumulatedSecondMoment?: Slot[];
  accumulatedMeanSquares?: Slot[];
  accumulatedMoments?: Slot[];
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

/** Per optimizer, the slot fields in the kernels' order, and the suffix TensorFlow.js names each slot with. */
const SLOTS = {
  sgd: [],
  momentum: [{ field: 'accumulations', suffix: 'momentum' }],
  rmsprop: [
    { field: 'accumulatedMeanSquares', suffix: 'rms' },
    { field: 'accumulatedMoments', suffix: 'momentum' },
  ],
  adam: [
    { field: 'accumulatedFirstMoment', suffix: 'm' },
    { field: 'accumulatedSecondMoment', suffix: 'v' },
  ],
} as const;

/**
 * The optimizer's side of the fused step: its update with TensorFlow.js's float32 constants, and
 * its state (slots per weight, Adam's running powers, the step count) read from and written back
 * into the TensorFlow.js optimizer in the fields its own steps and checkpoints use.
 */
export class OptimizerSlots {
  private readonly insides: OptimizerInsides;
  /** Adam's beta1^t and beta2^t as float32, as its accBeta variables hold them. */
  private power1 = 0;
  private power2 = 0;
  private steps = 0;
  private c = 0;

  constructor(
    optimizer: tf.Optimizer,
    private readonly plan: OptimizerPlan,
  ) {
    this.insides = optimizer as unknown as OptimizerInsides;
  }

  /** Slot buffers each weight needs: 0 (SGD), 1 (momentum), 2 (RMSprop, Adam). */
  get perWeight(): number {
    return SLOTS[this.plan.kind].length;
  }

  /** The slot values of weight `index` (zeros when the optimizer has not made them yet). */
  read(index: number, variable: tf.Variable): Float32Array[] {
    return SLOTS[this.plan.kind].map(({ field }) => {
      const slot = this.insides[field]?.[index];
      return slot ? (slot.variable.dataSync() as Float32Array) : new Float32Array(variable.size);
    });
  }

  /** Writes weight `index`'s slot values back, making the slots as TensorFlow.js would on a first step. */
  write(index: number, variable: tf.Variable, values: readonly Float32Array[]): void {
    SLOTS[this.plan.kind].forEach(({ field, suffix }, slotIndex) => {
      const held = (this.insides[field] ??= []);
      const tensor = tf.tensor(values[slotIndex] as Float32Array, variable.shape);
      const slot = held[index];
      if (slot) slot.variable.assign(tensor);
      else held[index] = { originalName: `${variable.name}/${suffix}`, variable: tensor.variable(false) };
      tensor.dispose();
    });
  }

  readPowers(): void {
    this.steps = 0;
    if (this.plan.kind !== 'adam') return;
    this.power1 = this.insides.accBeta1?.dataSync()[0] as number;
    this.power2 = this.insides.accBeta2?.dataSync()[0] as number;
  }

  writePowers(): void {
    // TensorFlow.js leaves the count undefined until its first step.
    this.insides.iterations_ = (this.insides.iterations_ ?? 0) + this.steps;
    this.steps = 0;
    if (this.plan.kind !== 'adam') return;
    tf.tidy(() => {
      this.insides.accBeta1?.assign(tf.scalar(this.power1));
      this.insides.accBeta2?.assign(tf.scalar(this.power2));
    });
  }

  beginStep(learningRate: number): void {
    this.c = Math.fround(-learningRate);
  }

  /** One weight's update from its gradient. */
  update(k: TrainingKernels, weight: number, gradient: number, slots: readonly number[], count: number): void {
    const plan = this.plan;
    switch (plan.kind) {
      case 'sgd':
        k.sgd(weight, gradient, count, this.c);
        return;
      case 'momentum':
        k.momentum(weight, gradient, slots[0] as number, count, plan.momentum, this.c);
        return;
      case 'rmsprop':
        // RMSprop multiplies by the rate itself (not by its negative, as SGD's c).
        k.rmsprop(
          weight,
          gradient,
          slots[0] as number,
          slots[1] as number,
          count,
          plan.decay,
          1 - plan.decay,
          plan.momentum,
          -this.c,
          plan.epsilon,
        );
        return;
      case 'adam':
        k.adam(
          weight,
          gradient,
          slots[0] as number,
          slots[1] as number,
          count,
          plan.beta1,
          1 - plan.beta1,
          plan.beta2,
          1 - plan.beta2,
          // sub(1, accBeta) in float32: exact, then rounded, as the kernel's argument is.
          1 - this.power1,
          1 - this.power2,
          plan.epsilon,
          this.c,
        );
    }
  }

  endStep(): void {
    this.steps++;
    if (this.plan.kind !== 'adam') return;
    this.power1 = Math.fround(this.power1 * Math.fround(this.plan.beta1));
    this.power2 = Math.fround(this.power2 * Math.fround(this.plan.beta2));
  }
}
