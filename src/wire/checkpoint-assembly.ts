import { sha256Hex } from '../files/sha256.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { ResumePoint } from '../execution/run-assignment.js';

/**
 * A checkpoint's bytes as its pieces arrive: no more than its header states are taken, and the
 * whole must have the header's size and SHA-256. Bytes damaged on the way are refused, never
 * kept or trained from.
 */
export class CheckpointAssembly {
  private readonly parts: Uint8Array[] = [];
  private received = 0;

  constructor(readonly header: ResumePoint) {}

  add(data: Uint8Array): void {
    if (this.received + data.length > this.header.bytes)
      throw new InvalidArgumentError(`checkpoint: more bytes came than its header states (${this.header.bytes})`);
    this.parts.push(data);
    this.received += data.length;
  }

  /** The bytes, checked. */
  finish(): Uint8Array {
    if (this.received !== this.header.bytes)
      throw new InvalidArgumentError(`checkpoint: ${this.received} bytes came, but its header states ${this.header.bytes}`);
    const joined = this.parts.length === 1 ? (this.parts[0] as Uint8Array) : Buffer.concat(this.parts);
    const data = new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
    if (sha256Hex(data) !== this.header.sha256)
      throw new InvalidArgumentError('checkpoint: its bytes do not have the SHA-256 its header states (damaged on the way)');
    return data;
  }
}
