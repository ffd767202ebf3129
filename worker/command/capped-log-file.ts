import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';

/** Enough for any sane training log; a program printing gigabytes must not fill the worker's disk. */
export const LOG_FILE_MAX_BYTES = 100 * 1024 * 1024;

/** `<logDir>/<study>/<trial>.<repeat>@<attempt>.log`, the study made safe as one path segment. */
export function runLogPath(logDir: string, study: string, trial: number, repeat: number, attempt: number): string {
  const safeStudy = study.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_';
  return join(logDir, safeStudy, `${trial}.${repeat}@${attempt}.log`);
}

/** The run's parameters (`SWEEPER_PARAMS_FILE`), beside its log: `<trial>.<repeat>@<attempt>.params.json`. */
export function paramsPathOf(logPath: string): string {
  return logPath.replace(/\.log$/, '.params.json');
}

/** The run's checkpoint folder (`SWEEPER_CHECKPOINT_DIR`), beside its log: `<trial>.<repeat>@<attempt>.checkpoint/`. */
export function checkpointPathOf(logPath: string): string {
  return logPath.replace(/\.log$/, '.checkpoint');
}

/**
 * A run's stdout and stderr on disk, up to `maxBytes`; after that, writes are dropped and one
 * last line says so. `write` returns false when the caller should pause its source until `drain`
 * (so a fast program cannot pile up buffers in the worker's memory).
 */
export class CappedLogFile {
  private readonly stream: WriteStream;
  private written = 0;
  private full = false;

  constructor(
    readonly path: string,
    private readonly maxBytes = LOG_FILE_MAX_BYTES,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path);
    // A full disk or a removed folder must not crash the worker: the log is a convenience.
    this.stream.on('error', () => {
      this.full = true;
    });
  }

  write(chunk: Buffer): boolean {
    if (this.full) return true;
    const room = this.maxBytes - this.written;
    if (chunk.length > room) {
      this.full = true;
      this.stream.write(chunk.subarray(0, room));
      this.stream.write(`\n[sweeper: the log reached ${this.maxBytes} bytes; the rest of the output was dropped]\n`);
      this.written = this.maxBytes;
      return true;
    }
    this.written += chunk.length;
    return this.stream.write(chunk);
  }

  onDrain(listener: () => void): void {
    this.stream.once('drain', listener);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stream.destroyed) resolve();
      else this.stream.end(() => resolve());
    });
  }
}
