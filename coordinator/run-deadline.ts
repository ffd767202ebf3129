/**
 * The time a run has left to report its next epoch (`run_timeout`). Heartbeats prove a worker
 * lives, not that its run moves: a training loop that hangs keeps its lease for ever, so the
 * runner also waits on this, restarted by every epoch the run reports.
 */
export class RunDeadline {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly seconds: number,
    private readonly onExpired: () => void,
  ) {
    this.restart();
  }

  restart(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onExpired, this.seconds * 1000);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
