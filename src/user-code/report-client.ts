/**
 * The program side of a `command:` task for JavaScript programs, exported as `sweeper/report`
 * (docs/own-code.md, "Helpers"): `report(epoch, metrics)` writes one JSON line to the report file
 * descriptor (SWEEPER_REPORT_FD, 3) and resolves to the coordinator's decision, read as one line
 * from the decision file descriptor (SWEEPER_DECISION_FD, 4). Outside sweeper (no
 * SWEEPER_REPORT_FD) it prints the line and resolves to 'continue', so a script runs by hand too.
 *
 * Importing this file opens nothing: the descriptors are used on the first report only.
 */
import { writeSync } from 'node:fs';
import { Socket } from 'node:net';

export type Decision = 'continue' | 'stop';

/** The test evaluation of the model a run keeps: the optional last line. */
export interface FinalReport {
  test_accuracy?: number;
  test_loss?: number;
  epoch?: number;
}

function intEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${name} is not a whole number: ${JSON.stringify(text)}`);
  return value;
}

/** The trial's parameters, from SWEEPER_PARAMS; `{}` outside sweeper. */
export function params(): Record<string, unknown> {
  const text = process.env.SWEEPER_PARAMS;
  if (text === undefined) return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`SWEEPER_PARAMS is not a JSON object: ${text.slice(0, 80)}`);
  return value as Record<string, unknown>;
}

/** The repeat's seed (SWEEPER_SEED), or undefined outside sweeper. */
export function seed(): number | undefined {
  return intEnv('SWEEPER_SEED');
}

/** The most epochs this run reports (SWEEPER_EPOCHS), or undefined when the sweep does not say. */
export function epochs(): number | undefined {
  return intEnv('SWEEPER_EPOCHS');
}

/** The trial's number (SWEEPER_TRIAL), or undefined outside sweeper. */
export function trial(): number | undefined {
  return intEnv('SWEEPER_TRIAL');
}

/** Which repeat of the trial this run is (SWEEPER_REPEAT), or undefined outside sweeper. */
export function repeat(): number | undefined {
  return intEnv('SWEEPER_REPEAT');
}

/**
 * The folder to save the run's checkpoint in (SWEEPER_CHECKPOINT_DIR), or undefined. Save into
 * it before reporting the epoch the checkpoint follows; sweeper keeps what it holds at each
 * report and restores it for the next attempt.
 */
export function checkpointDir(): string | undefined {
  return process.env.SWEEPER_CHECKPOINT_DIR;
}

/** The epoch whose checkpoint checkpointDir() holds (SWEEPER_RESUME_EPOCH): load it, report from the next. */
export function resumeEpoch(): number | undefined {
  return intEnv('SWEEPER_RESUME_EPOCH');
}

/** A number for a JSON line: NaN and infinities are written as JSON.stringify cannot, so that sweeper sees and reports them. */
function numberText(name: string, value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'number') throw new TypeError(`metric ${name} must be a number, not ${typeof value}`);
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return JSON.stringify(value);
}

function objectText(body: Record<string, unknown>): string {
  return `{${Object.entries(body)
    .map(([name, value]) => `${JSON.stringify(name)}: ${numberText(name, value)}`)
    .join(', ')}}`;
}

function writeLine(fd: number, line: string): void {
  const data = Buffer.from(`${line}\n`, 'utf8');
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset);
}

/** Emits a line: to the report descriptor, or to standard output outside sweeper. Returns whether it went to sweeper. */
function emit(line: string): boolean {
  const fd = intEnv('SWEEPER_REPORT_FD');
  if (fd === undefined) {
    process.stdout.write(`${line}\n`);
    return false;
  }
  writeLine(fd, line);
  return true;
}

/**
 * Reads decision lines from the decision descriptor. The socket is paused and unref'd between
 * reports, so that it neither reads ahead of need nor keeps the program alive once it is done.
 */
class DecisionReader {
  private readonly socket: Socket;
  private buffer = '';
  private waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  private ended: Error | undefined;

  constructor(readonly fd: number) {
    this.socket = new Socket({ fd, readable: true, writable: false });
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.deliver();
    });
    this.socket.on('end', () => this.fail(new Error(`the decision file descriptor ${fd} closed before a decision came`)));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.pause();
    this.socket.unref();
  }

  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.deliver();
      if (this.waiting !== undefined) {
        if (this.ended !== undefined) return this.fail(this.ended);
        this.socket.ref();
        this.socket.resume();
      }
    });
  }

  private deliver(): void {
    const newline = this.buffer.indexOf('\n');
    if (newline < 0 || this.waiting === undefined) return;
    const line = this.buffer.slice(0, newline);
    this.buffer = this.buffer.slice(newline + 1);
    const { resolve } = this.waiting;
    this.waiting = undefined;
    this.socket.pause();
    this.socket.unref();
    resolve(line.trim());
  }

  private fail(error: Error): void {
    this.ended ??= error;
    if (this.waiting === undefined) return;
    const { reject } = this.waiting;
    this.waiting = undefined;
    this.socket.unref();
    reject(error);
  }
}

let reader: DecisionReader | undefined;
let lastDecision: Decision | undefined;

/** True when the last decision was 'stop'. */
export function shouldStop(): boolean {
  return lastDecision === 'stop';
}

/**
 * Reports one epoch's metrics (`{ val_accuracy: 0.91, val_loss: 0.31 }`) and resolves to the
 * coordinator's decision: on 'stop', end the program (exit code 0). Epochs count 1, 2, 3...
 * without gaps. A NaN is written as NaN: sweeper fails the run and says why. After a stop, it
 * resolves to 'stop' again without writing.
 */
export async function report(epoch: number, metrics: Readonly<Record<string, number>>): Promise<Decision> {
  if (!Number.isInteger(epoch) || epoch < 1) throw new TypeError(`epoch must be a whole number from 1, not ${String(epoch)}`);
  if (lastDecision === 'stop') return 'stop';
  if (!emit(objectText({ epoch, ...metrics }))) return (lastDecision = 'continue');
  const fd = intEnv('SWEEPER_DECISION_FD');
  if (fd === undefined) return (lastDecision = 'continue');
  if (reader === undefined || reader.fd !== fd) reader = new DecisionReader(fd);
  const line = await reader.next();
  if (line !== 'continue' && line !== 'stop')
    throw new Error(`expected 'continue' or 'stop' on the decision file descriptor, got ${JSON.stringify(line.slice(0, 80))}`);
  return (lastDecision = line);
}

/** Reports the test evaluation of the model the run keeps (its best epoch's weights), as the last line. */
export function reportFinal(final: FinalReport): void {
  const body: Record<string, unknown> = {};
  for (const key of ['test_accuracy', 'test_loss', 'epoch'] as const) if (final[key] !== undefined) body[key] = final[key];
  emit(`{"final": ${objectText(body)}}`);
}
