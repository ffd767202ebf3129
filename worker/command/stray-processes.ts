import { randomBytes } from 'node:crypto';
import { canFindMarks } from './run-marks.js';

/**
 * How soon after a run ends its strays are looked for: the runs ending within it share one scan
 * of /proc (about a millisecond per hundred processes, done by the reaper, not on the worker's
 * event loop), so there is at most one scan a second.
 */
const SWEEP_DELAY_MS = 1000;

/** What the reaper needs to tell strays from live runs' processes: see `strays` in run-marks.ts. */
export interface SweepRequest {
  /** The last run's number handed out when the request was made: later runs are not judged. */
  readonly last: number;
  /** The runs still going, by number. */
  readonly live: readonly number[];
}

/**
 * The processes a run left behind outside its process group. Each run gets a mark (run-marks.ts);
 * once a run has ended, any process still carrying its mark escaped the group's SIGTERM/SIGKILL
 * (it called setsid) and is killed with SIGKILL by the next sweep, which the reaper does when
 * asked. Without /proc (not Linux) there is nothing to find and the process group is the only
 * boundary.
 */
export class StrayProcesses {
  /** This worker's runs' marks begin with it, so that two workers on one machine leave each other's runs alone. */
  readonly token = randomBytes(8).toString('hex');
  /** Whether strays can be found here at all. */
  readonly findable = canFindMarks();
  private readonly live = new Set<number>();
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `sweep` asks the reaper to kill the strays. */
  constructor(private readonly sweep: (request: SweepRequest) => void) {}

  /** A mark for a run starting now; live until `ended`. */
  begin(): string {
    this.live.add(++this.last);
    return `${this.token}.${this.last}`;
  }

  /** The run's program has exited: what still carries its mark is killed shortly. */
  ended(mark: string): void {
    this.live.delete(Number(mark.slice(this.token.length + 1)));
    if (!this.findable || this.timer !== undefined) return;
    this.timer = setTimeout(() => this.sweepNow(), SWEEP_DELAY_MS);
    this.timer.unref();
  }

  /** Asks for a sweep now (a run's pipes are held open after it ended: a stray has them). */
  sweepNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.findable) this.sweep({ last: this.last, live: [...this.live] });
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
