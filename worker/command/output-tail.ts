/**
 * The last `maxBytes` of a stream of chunks, in bounded memory whatever is written: chunks are
 * kept until they hold twice the limit, then cut back to the limit. `text()` starts at a line
 * boundary when the cut fell inside a line, so the tail reads as whole lines.
 */
export class OutputTail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** Whether anything was cut from the front (then the first line may be partial). */
  private cut = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk.length > this.maxBytes ? chunk.subarray(chunk.length - this.maxBytes) : chunk);
    this.bytes += Math.min(chunk.length, this.maxBytes);
    if (chunk.length > this.maxBytes) this.cut = true;
    if (this.bytes > 2 * this.maxBytes) this.compact();
  }

  text(): string {
    this.compact();
    let buffer = Buffer.concat(this.chunks);
    if (this.cut) {
      const newline = buffer.indexOf(0x0a);
      // Only drop the partial first line when a whole one follows it.
      if (newline !== -1 && newline < buffer.length - 1) buffer = buffer.subarray(newline + 1);
    }
    return buffer.toString('utf8');
  }

  /** The last `count` non-empty lines. */
  lastLines(count: number): string[] {
    return this.text()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(-count);
  }

  private compact(): void {
    if (this.bytes <= this.maxBytes) return;
    const all = Buffer.concat(this.chunks);
    // A copy, so that the large chunks it came from can be freed.
    this.chunks = [Buffer.from(all.subarray(all.length - this.maxBytes))];
    this.bytes = this.maxBytes;
    this.cut = true;
  }
}
