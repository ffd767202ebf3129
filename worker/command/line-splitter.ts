/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line: a
 * program that writes a 10 MB line (or never a newline) must not grow the worker's memory. The
 * first line over the cap is reported through `onOverflow` and everything after it is ignored.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflowed = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (!this.overflowed) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      if (this.pendingBytes + (end - start) > this.maxLineBytes) {
        this.overflow();
        return;
      }
      if (newline === -1) {
        if (end > start) {
          this.pending.push(chunk.subarray(start, end));
          this.pendingBytes += end - start;
        }
        return;
      }
      this.pending.push(chunk.subarray(start, end));
      const line = Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      this.onLine(line);
      start = newline + 1;
    }
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.overflowed || this.pendingBytes === 0) return;
    const line = Buffer.concat(this.pending).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    this.onLine(line);
  }

  private overflow(): void {
    this.overflowed = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.onOverflow();
  }
}
