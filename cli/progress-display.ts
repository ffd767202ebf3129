import { SingleBar } from 'cli-progress';
import type { SweepEvent } from '../coordinator/sweep-events.js';
import { isBetter, type Direction } from '../src/core/direction.js';

/**
 * The live progress bar on a terminal: trials finished of the budget, trials running, the best
 * value so far and an ETA. Written to standard error, so standard output stays clean for results.
 */
export class ProgressDisplay {
  private readonly bar: SingleBar;
  private readonly running = new Set<number>();
  private finished: number;
  private best: number;
  private readonly startedAt = Date.now();
  private readonly finishedBefore: number;

  constructor(
    total: number,
    alreadyFinished: number,
    bestSoFar: number | undefined,
    private readonly direction: Direction,
    metric: string,
  ) {
    this.finished = alreadyFinished;
    this.finishedBefore = alreadyFinished;
    this.best = bestSoFar ?? Number.NaN;
    this.bar = new SingleBar({
      format: ` {bar} {value}/{total} trials | running {running} | best ${metric} {best} | {duration_formatted} elapsed, ETA {remaining}`,
      stream: process.stderr,
      hideCursor: true,
      fps: 5,
    });
    this.bar.start(total, alreadyFinished, this.payload());
  }

  onEvent(event: SweepEvent): void {
    switch (event.type) {
      case 'trial-started':
        this.running.add(event.trial.number);
        break;
      case 'trial-requeued':
        this.running.delete(event.trial.number);
        break;
      case 'trial-finished': {
        this.running.delete(event.trial.number);
        this.finished++;
        const value = event.trial.result?.value;
        if (event.trial.state === 'COMPLETE' && value !== undefined && isBetter(value, this.best, this.direction)) this.best = value;
        break;
      }
      case 'epoch':
        break;
    }
    this.bar.update(this.finished, this.payload());
  }

  stop(): void {
    this.bar.stop();
  }

  private payload(): { running: number; best: string; remaining: string } {
    return { running: this.running.size, best: Number.isFinite(this.best) ? this.best.toFixed(4) : '-', remaining: this.eta() };
  }

  /** From this session's pace: trials finished by an earlier run took no time here. */
  private eta(): string {
    const done = this.finished - this.finishedBefore;
    const left = this.bar.getTotal() - this.finished;
    if (done <= 0) return left <= 0 ? '0s' : '-';
    const seconds = Math.round(((Date.now() - this.startedAt) / 1000 / done) * left);
    return seconds < 60
      ? `${seconds}s`
      : seconds < 3600
        ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`
        : `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  }
}
