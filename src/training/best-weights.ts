import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../core/metrics.js';
import { isBetter, type Direction } from '../core/direction.js';
import { metricValue } from '../core/objective.js';
import { loadTensor, saveTensor, type SavedTensor } from './checkpoint/saved-tensor.js';

/** The best epoch so far, as a checkpoint holds it. */
export interface SavedBest {
  readonly epoch: number;
  readonly value: number;
  readonly weights: readonly SavedTensor[];
}

/**
 * Keeps a copy of the model's weights at its best epoch by the objective, chosen exactly as the
 * coordinator chooses a repeat's best epoch (bestEpoch in core/objective.ts: the first epoch
 * strictly better than all before it), so that the test evaluation describes the epoch the
 * trial's value comes from.
 */
export class BestWeights {
  private weights: tf.Tensor[] | undefined;
  private bestValue = Number.NaN;
  private bestEpoch = 0;

  constructor(private readonly objective: { readonly metric: string; readonly direction: Direction }) {}

  /** Call after each epoch; copies the weights when this epoch is the best so far. */
  offer(model: tf.LayersModel, epoch: number, metrics: EpochMetrics): void {
    const value = metricValue(metrics, this.objective.metric);
    if (this.bestEpoch !== 0 && !isBetter(value, this.bestValue, this.objective.direction)) return;
    this.dispose();
    // All weights, not only trainable ones: batch norm's moving statistics belong to the epoch too.
    this.weights = model.getWeights().map((w) => w.clone());
    this.bestValue = value;
    this.bestEpoch = epoch;
  }

  get epoch(): number {
    return this.bestEpoch;
  }

  /** The best epoch so far for a checkpoint; undefined before the first epoch. */
  save(): SavedBest | undefined {
    if (!this.weights) return undefined;
    return { epoch: this.bestEpoch, value: this.bestValue, weights: this.weights.map(saveTensor) };
  }

  /** Takes the best epoch from a checkpoint, as if its epochs had been offered here. */
  load(saved: SavedBest): void {
    this.dispose();
    this.weights = saved.weights.map(loadTensor);
    this.bestValue = saved.value;
    this.bestEpoch = saved.epoch;
  }

  /** Puts the best epoch's weights back into the model; false if no epoch was offered. */
  restore(model: tf.LayersModel): boolean {
    if (!this.weights) return false;
    model.setWeights(this.weights);
    return true;
  }

  dispose(): void {
    if (this.weights) tf.dispose(this.weights);
    this.weights = undefined;
  }
}
