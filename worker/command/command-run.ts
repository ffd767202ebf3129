import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import { LOG_TAIL_BYTES, type RunOutcome, type TestEvaluation } from '../../src/core/run-report.js';
import type { EpochDecision, RunAssignment } from '../../src/execution/run-assignment.js';
import type { RunListener } from '../../src/execution/trial-executor.js';
import type { CommandTask } from '../../src/user-code/command-task.js';
import { checkUserReport } from '../../src/user-code/user-report.js';
import type { CappedLogFile } from './capped-log-file.js';
import { finalEvaluation } from './final-evaluation.js';
import { LineSplitter } from './line-splitter.js';
import { OutputTail } from './output-tail.js';
import { cwdProblem, spawnProblem } from './spawn-problem.js';
import { signalGroup, terminateGroup, waitAtMost } from './process-group.js';
import type { ReaperClient } from './reaper-client.js';
import type { StrayProcesses } from './stray-processes.js';
import { parseReportLine } from './report-line.js';
import { DECISION_FD, REPORT_FD } from './run-environment.js';
import type { CheckpointFolder } from '../checkpoint/checkpoint-folder.js';

/** The longest report line (docs/own-code.md): longer is a program printing something else. */
export const MAX_REPORT_LINE_BYTES = 64 * 1024;
/** How long a program told "stop" on fd 4 may take to exit by itself before it gets SIGTERM. */
const SELF_STOP_MS = 2000;
/** After the leader exited and its group was killed, how long its pipes may take to close. */
const PIPES_CLOSE_MS = 5000;
/** Pipes still open this long after the group was killed are held by a stray: look for it at once. */
const STRAY_SUSPECT_MS = 100;
/** Stderr lines an error message ends with, so that `sweeper show` explains the failure. */
const STDERR_LINES_IN_MESSAGE = 5;
/** Report lines waiting for the listener before fd 3 is paused (the program then blocks on it). */
const MAX_QUEUED_REPORT_LINES = 64;

export interface CommandRunInput {
  readonly assignment: RunAssignment;
  readonly task: CommandTask;
  /** The program and its arguments, templates filled. */
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** The run's mark (in `env` too), ended when its program exits. */
  readonly mark: string;
  readonly listener: RunListener;
  readonly signal: AbortSignal;
  readonly log: CappedLogFile;
  readonly reaper: ReaperClient;
  readonly strays: StrayProcesses;
  readonly logger?: Logger;
  /** The run's checkpoint folder, when the run saves checkpoints. */
  readonly checkpoints?: CheckpointFolder;
}

/**
 * One run of a user's program, from spawn to outcome: output to the log file and a bounded tail,
 * report lines from fd 3 checked and handed to the listener in order, decisions back on fd 4,
 * and the process group stopped on a decision, an abort, a timeout or a protocol problem.
 */
export class CommandRun {
  private readonly tail = new OutputTail(LOG_TAIL_BYTES);
  private readonly stderrTail = new OutputTail(2048);
  private lastEpoch = 0;
  private lastReportAt = 0;
  private test: TestEvaluation | undefined;
  /** The first protocol problem; the run fails with it. */
  private problem: string | undefined;
  private stopping = false;
  private timedOut = false;
  /** Report lines are handled one after another, each after the listener answered the last. */
  private reports: Promise<void> = Promise.resolve();
  private child!: ChildProcess;
  private exited!: Promise<void>;

  constructor(private readonly input: CommandRunInput) {
    // A run going on from a checkpoint reports the epochs after it.
    this.lastEpoch = input.checkpoints?.resumedEpoch ?? 0;
  }

  async run(): Promise<RunOutcome> {
    const { argv, task, signal } = this.input;
    const started = performance.now();
    this.lastReportAt = started;
    // Before the spawn: a worker killed between the spawn and its 'spawn' event (a busy machine
    // can hold it there for a while) must leave a reaper behind to find the run by its mark.
    this.input.reaper.ensureStarted();
    const child = spawn(argv[0] as string, argv.slice(1), {
      cwd: task.cwd,
      env: this.input.env,
      // The leader of a new process group: stopping the run stops everything it started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    const startError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', resolve);
    });
    if (startError !== undefined) {
      this.input.strays.ended(this.input.mark);
      // Checked only now, off every run's path: a missing cwd fails the spawn with ENOENT too.
      return { status: 'error', message: (await cwdProblem(task.cwd)) ?? spawnProblem(argv[0] as string, startError) };
    }
    child.on('error', () => undefined);
    const pid = child.pid as number;
    const graceMs = task.graceSeconds * 1000;
    this.input.reaper.register(pid, graceMs);

    let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    this.exited = new Promise((resolve) => child.once('exit', (code, exitSignal) => ((exit = { code, signal: exitSignal }), resolve())));
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    this.readOutput();
    this.readReports();

    const onAbort = (): void => this.stop(true);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const timeout =
      task.timeoutSeconds === undefined
        ? undefined
        : setTimeout(() => {
            if (this.stopping || this.problem !== undefined) return;
            this.timedOut = true;
            void terminateGroup(pid, graceMs, this.exited);
          }, task.timeoutSeconds * 1000);
    try {
      await this.exited;
    } finally {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(timeout);
    }
    // Whatever the leader left behind goes with it: its group now, strays that left the group shortly.
    signalGroup(pid, 'SIGKILL');
    this.input.strays.ended(this.input.mark);
    this.input.reaper.unregister(pid);
    // A stray may hold the pipes open until it is killed; where it cannot be found, do not wait for it.
    if (!(await waitAtMost(STRAY_SUSPECT_MS, closed))) {
      this.input.strays.sweepNow();
      if (!(await waitAtMost(PIPES_CLOSE_MS, closed))) for (const stream of child.stdio) stream?.destroy();
    }
    await this.reports;
    return { ...this.outcome(exit, (performance.now() - started) / 1000), log: this.tail.text() };
  }

  private outcome(exit: { code: number | null; signal: NodeJS.Signals | null }, trainSeconds: number): RunOutcome {
    const test = this.test !== undefined ? { test: this.test } : {};
    if (this.problem !== undefined) return this.error(this.problem);
    if (this.timedOut) return this.error(`timed out after ${this.input.task.timeoutSeconds} s`);
    if (this.stopping) return { status: 'stopped', epochs: this.lastEpoch, trainSeconds, ...test };
    if (exit.code === 0) {
      if (this.lastEpoch === 0) return this.error('exited without reporting an epoch (write JSON lines to fd 3: docs/own-code.md)');
      return { status: 'finished', epochs: this.lastEpoch, trainSeconds, ...test };
    }
    return this.error(exit.signal !== null ? `killed by ${exit.signal}` : `exited with code ${exit.code}`);
  }

  /** An error outcome whose message ends with the program's last stderr lines. */
  private error(message: string): RunOutcome {
    const lines = this.stderrTail.lastLines(STDERR_LINES_IN_MESSAGE);
    return { status: 'error', message: lines.length === 0 ? message : `${message}; stderr ends:\n${lines.join('\n')}` };
  }

  /** Stdout and stderr, interleaved as they arrive, to the tail and the log file. */
  private readOutput(): void {
    const { stdout, stderr } = this.child;
    const sources = [stdout, stderr].filter((stream): stream is Readable => stream !== null);
    const { log } = this.input;
    for (const source of sources)
      source.on('data', (chunk: Buffer) => {
        this.tail.push(chunk);
        if (source === stderr) this.stderrTail.push(chunk);
        if (!log.write(chunk)) {
          // The disk is slower than the program: hold the pipes (the program blocks) rather than memory.
          for (const each of sources) each.pause();
          log.onDrain(() => {
            for (const each of sources) each.resume();
          });
        }
      });
  }

  private readReports(): void {
    const reports = this.child.stdio[REPORT_FD] as Readable;
    const decisions = this.child.stdio[DECISION_FD] as Writable;
    // A program that does not read fd 4, or has closed it, is allowed to.
    decisions.on('error', () => undefined);
    // Lines queue while the listener (the coordinator) answers; a program writing them faster
    // must wait on its pipe rather than grow the queue without bound.
    let queued = 0;
    const splitter = new LineSplitter(
      MAX_REPORT_LINE_BYTES,
      (line) => {
        if (++queued >= MAX_QUEUED_REPORT_LINES) reports.pause();
        this.reports = this.reports.then(() =>
          this.onReportLine(line).finally(() => {
            if (--queued < MAX_QUEUED_REPORT_LINES && reports.isPaused()) reports.resume();
          }),
        );
      },
      () => {
        this.reports = this.reports.then(() => this.fail(`a report line is longer than ${MAX_REPORT_LINE_BYTES / 1024} KiB`));
      },
    );
    reports.on('data', (chunk: Buffer) => splitter.push(chunk));
    reports.on('end', () => splitter.end());
    reports.on('error', () => undefined);
  }

  private async onReportLine(line: string): Promise<void> {
    if (this.problem !== undefined || this.timedOut || line.trim() === '') return;
    const parsed = parseReportLine(line);
    // A program told to stop may still write its final evaluation; further epochs are ignored.
    if (this.stopping && parsed.kind !== 'final') return;
    if (parsed.kind === 'problem') return this.fail(parsed.problem);
    if (parsed.kind === 'final') {
      const final = finalEvaluation(parsed.final, this.lastEpoch);
      if ('problem' in final) return this.fail(final.problem);
      this.test = final.test;
      return;
    }
    const checked = checkUserReport(parsed.epoch, parsed.metrics, this.lastEpoch, this.input.task.epochs);
    if ('problem' in checked) return this.fail(this.withResumeHint(checked.problem));
    // Read while the program waits for the decision: what it saved before this report.
    const snapshot = this.input.checkpoints?.snapshot(checked.report.epoch).catch((error: unknown) => {
      this.input.logger?.warn({ trial: this.input.assignment.trialNumber, reason: (error as Error).message }, 'a checkpoint was not taken');
      return undefined;
    });
    const now = performance.now();
    const { report } = checked;
    const metrics =
      report.metrics.epochSeconds === undefined ? { ...report.metrics, epochSeconds: (now - this.lastReportAt) / 1000 } : report.metrics;
    this.lastReportAt = now;
    this.lastEpoch = report.epoch;
    let decision: EpochDecision;
    try {
      decision = await this.input.listener.onEpoch({ epoch: report.epoch, metrics });
    } catch (error) {
      this.input.logger?.error({ err: error, trial: this.input.assignment.trialNumber }, 'epoch report handler failed; stopping the run');
      decision = 'stop';
    }
    const checkpoint = await snapshot;
    if (!this.stopping) {
      this.decide(decision);
      if (decision === 'stop') this.stop(false);
    }
    // After the epoch is kept, and before the next report is handled.
    if (checkpoint) await this.input.listener.onCheckpoint?.(report.epoch, checkpoint.data, checkpoint.sha256).catch(() => undefined);
  }

  /** A resumed run whose program started again from epoch 1 is told what it missed. */
  private withResumeHint(problem: string): string {
    const resumed = this.input.checkpoints?.resumedEpoch;
    return resumed === undefined
      ? problem
      : `${problem} (the run went on from the checkpoint of epoch ${resumed}: the program should load it from SWEEPER_CHECKPOINT_DIR and report from epoch ${resumed + 1}, as SWEEPER_RESUME_EPOCH says)`;
  }

  private decide(decision: EpochDecision): void {
    const decisions = this.child.stdio[DECISION_FD] as Writable;
    if (!decisions.destroyed && decisions.writable) decisions.write(`${decision}\n`, () => undefined);
  }

  /** Pruned or aborted: the program may stop itself (told on fd 4), else it is terminated. */
  private stop(tell: boolean): void {
    if (this.stopping || this.problem !== undefined || this.timedOut) return;
    this.stopping = true;
    if (tell) this.decide('stop');
    const pid = this.child.pid as number;
    const graceMs = this.input.task.graceSeconds * 1000;
    void waitAtMost(Math.min(SELF_STOP_MS, graceMs), this.exited).then((gone) =>
      gone ? undefined : terminateGroup(pid, graceMs, this.exited),
    );
  }

  /** A protocol problem: the run fails with it and the program is terminated. */
  private fail(problem: string): void {
    if (this.problem !== undefined || this.stopping || this.timedOut) return;
    this.problem = problem;
    void terminateGroup(this.child.pid as number, this.input.task.graceSeconds * 1000, this.exited);
  }
}
