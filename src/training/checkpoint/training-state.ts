import * as tf from '@tensorflow/tfjs';
import type { BestWeights, SavedBest } from '../best-weights.js';
import { SeededDropout } from '../seeded-dropout.js';
import { loadTensor, saveTensor, type SavedTensor } from './saved-tensor.js';

/**
 * Everything a run needs to go on from the end of an epoch exactly as if it had never stopped:
 * the model's weights (batch norm's moving statistics included), the optimizer's slots and step
 * count, the dropout layers' mask counts, the schedule's history (its rates and the IHYLL it
 * measured; the schedules are functions of it, and I(X;Y) follows from the seed), the best epoch
 * so far with its weights, and the time trained. The shuffle of each epoch and the batch size
 * follow from the seed and the epoch number, so they need nothing here.
 */
export interface TrainingState {
  /** The last epoch completed: a resumed run starts with the next one. */
  readonly epoch: number;
  readonly trainSeconds: number;
  readonly learningRates: readonly number[];
  readonly ihyll: readonly number[];
  /** `model.getWeights()`, in its order. */
  readonly weights: readonly SavedTensor[];
  readonly optimizer: OptimizerState;
  /** Each SeededDropout layer's masks drawn, in layer order. */
  readonly dropoutMasks: readonly number[];
  readonly best: SavedBest | undefined;
}

export interface OptimizerState {
  readonly iterations: number;
  /** Its slots by field (momentum's accumulations, Adam's moments, RMSprop's), each in variable order. */
  readonly slots: Readonly<Record<string, readonly SavedTensor[]>>;
  /** Adam's running beta1^t and beta2^t, kept as the product Adam computes step by step. */
  readonly adamPowers?: readonly [number, number];
}

/** The part of a run's state its loop keeps itself. */
export interface LoopState {
  readonly epoch: number;
  readonly trainSeconds: number;
  readonly learningRates: readonly number[];
  readonly ihyll: readonly number[];
}

/**
 * The fields in which TensorFlow.js's optimizers keep their slots, one entry per trainable
 * variable, indexed as the gradients are. Read and written here directly, not through the async
 * getWeights/setWeights, because training runs synchronously, and because setWeights recomputes
 * Adam's running powers with pow(), which differs in the last bits from the product Adam keeps
 * step by step: a resumed run would not be the run it continues. The resume tests (one per
 * optimizer) fail if a version of TensorFlow.js moves these fields.
 */
const SLOT_FIELDS = [
  'accumulations',
  'accumulatedFirstMoment',
  'accumulatedSecondMoment',
  'accumulatedMeanSquares',
  'accumulatedMoments',
  'accumulatedMeanGrads',
] as const;

type Slot = { originalName: string; variable: tf.Variable } | undefined;

/** The optimizer's insides that a checkpoint needs (see SLOT_FIELDS). */
type OptimizerInsides = {
  iterations_: number;
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
} & Partial<Record<(typeof SLOT_FIELDS)[number], Slot[]>>;

export function captureState(model: tf.LayersModel, optimizer: tf.Optimizer, best: BestWeights, loop: LoopState): TrainingState {
  const insides = optimizer as unknown as OptimizerInsides;
  const slots: Record<string, SavedTensor[]> = {};
  for (const field of SLOT_FIELDS) {
    const held = insides[field];
    if (held === undefined || held.length === 0) continue;
    if (held.some((slot) => slot === undefined)) throw new Error(`the optimizer's ${field} has gaps: it cannot be saved`);
    slots[field] = held.map((slot) => saveTensor((slot as NonNullable<Slot>).variable));
  }
  return {
    ...loop,
    learningRates: [...loop.learningRates],
    ihyll: [...loop.ihyll],
    weights: model.getWeights().map(saveTensor),
    optimizer: {
      iterations: insides.iterations_,
      slots,
      ...(insides.accBeta1 !== undefined &&
        insides.accBeta2 !== undefined && {
          adamPowers: [insides.accBeta1.dataSync()[0] as number, insides.accBeta2.dataSync()[0] as number] as const,
        }),
    },
    dropoutMasks: dropoutLayers(model).map((layer) => layer.masksDrawn),
    best: best.save(),
  };
}

/** Puts a checkpoint's state into a freshly built model and optimizer of the same configuration. */
export function restoreState(state: TrainingState, model: tf.LayersModel, optimizer: tf.Optimizer, best: BestWeights): void {
  const weights = state.weights.map(loadTensor);
  try {
    model.setWeights(weights);
  } finally {
    tf.dispose(weights);
  }
  const insides = optimizer as unknown as OptimizerInsides;
  insides.iterations_ = state.optimizer.iterations;
  for (const [field, saved] of Object.entries(state.optimizer.slots)) {
    if (!(SLOT_FIELDS as readonly string[]).includes(field) || !(field in insides))
      throw new Error(`the checkpoint has optimizer slots "${field}", which this optimizer does not keep`);
    const slots = saved.map((tensor, index) => {
      const loaded = loadTensor(tensor);
      const slot = { originalName: `${field}/${index}`, variable: loaded.variable(false) };
      loaded.dispose();
      return slot;
    });
    insides[field as (typeof SLOT_FIELDS)[number]] = slots;
  }
  if (state.optimizer.adamPowers !== undefined) {
    if (insides.accBeta1 === undefined || insides.accBeta2 === undefined)
      throw new Error('the checkpoint is of an Adam optimizer, this one is not');
    const [beta1, beta2] = state.optimizer.adamPowers;
    tf.tidy(() => {
      insides.accBeta1?.assign(tf.scalar(beta1));
      insides.accBeta2?.assign(tf.scalar(beta2));
    });
  }
  const layers = dropoutLayers(model);
  if (layers.length !== state.dropoutMasks.length)
    throw new Error(`the checkpoint has ${state.dropoutMasks.length} dropout layers, but the model has ${layers.length}`);
  layers.forEach((layer, index) => layer.continueFrom(state.dropoutMasks[index] as number));
  if (state.best !== undefined) best.load(state.best);
}

function dropoutLayers(model: tf.LayersModel): SeededDropout[] {
  return model.layers.filter((layer): layer is SeededDropout => layer instanceof SeededDropout);
}
