import { randomBytes } from 'node:crypto';
import { canFindMarks, markedProcesses, signalMarked } from './run-marks.js';

/**
 * How soon after a run ends its strays are killed: the runs ending within it share one scan of
 * /proc (about a millisecond per few hundred processes), so a worker scans at most once a second.
 */
const SWEEP_DELAY_MS = 1000;

/**
 * The processes a run left behind outside its process group. Each run gets a mark (run-marks.ts);
 * when a run has ended, any process still carrying its mark escaped the group's SIGTERM/SIGKILL
 * (it called setsid) and is killed with SIGKILL by the next sweep. Without /proc (not Linux)
 * there is nothing to find and the process group is the only boundary.
 */
export class StrayProcesses {
  /** This worker's runs' marks begin with it, so that two workers on one machine leave each other's runs alone. */
  readonly token = randomBytes(8).toString('hex');
  /** Whether strays can be found here at all. */
  readonly findable = canFindMarks();
  private readonly live = new Set<string>();
  private serial = 0;
  private timer: NodeJS.Timeout | undefined;

  /** A mark for a run starting now; live until `ended`. */
  begin(): string {
    const mark = `${this.token}.${++this.serial}`;
    this.live.add(mark);
    return mark;
  }

  /** The run's program has exited: what still carries its mark is killed shortly. */
  ended(mark: string): void {
    this.live.delete(mark);
    if (!this.findable || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sweep();
    }, SWEEP_DELAY_MS);
    this.timer.unref();
  }

  /** Kills every process carrying a mark of this worker whose run has ended; returns how many. */
  sweep(): number {
    if (!this.findable) return 0;
    const strays = markedProcesses(`${this.token}.`).filter(({ mark }) => !this.live.has(mark));
    signalMarked(strays, 'SIGKILL');
    return strays.length;
  }

  /** After the last run: one last sweep, now. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sweep();
  }
}
