import type { Logger } from 'pino';
import type { SweepEvent } from '../coordinator/sweep-events.js';
import { SweepRunner, type SweepResult } from '../coordinator/sweep-runner.js';
import type { DatasetCache } from '../src/datasets/dataset-cache.js';
import type { Study } from '../src/study/study.js';
import type { BackendPreference } from '../src/training/backend-preference.js';
import type { RunKey } from '../src/execution/run-assignment.js';
import { DeviceAllocator } from '../worker/devices/device-allocator.js';
import { workerDevices } from '../worker/devices/worker-devices.js';
import { TaskRouter } from '../worker/task-router.js';
import { thisProcess } from './process-owner.js';
import { ProgressDisplay } from './progress-display.js';
import { printErr } from './output/terminal.js';
import { takeOverWarning } from './take-over-warning.js';

export interface SessionOptions {
  readonly study: Study;
  readonly threads?: number;
  /** `--gpus`; absent: what nvidia-smi -L lists, asked only when the sweep's runs want GPUs. */
  readonly gpus?: readonly string[];
  /** Where command trials' output is written (TaskRouterOptions.logDir). */
  readonly logDir?: string;
  readonly backend: BackendPreference;
  readonly logger: Logger;
  readonly datasets: DatasetCache;
  readonly progress: boolean;
  /** Run the study even if its lock says another process still runs it. */
  readonly takeOver?: boolean;
}

/**
 * `sweeper run` and `resume`: an embedded coordinator (the SweepRunner) and a local pool of
 * threads in this process. Ctrl-C (or SIGTERM) stops cleanly: running trials go back to the
 * queue for `resume`; a second Ctrl-C quits at once, and `resume` then re-queues what was left.
 */
export async function runSession(options: SessionOptions): Promise<SweepResult> {
  const { study, logger } = options;
  const owner = thisProcess('run');
  const claim = await study.store.claimStudy(study.id, owner, { takeOver: options.takeOver === true });
  if (claim.previousAlive) {
    printErr(takeOverWarning(study.name, claim.previous));
    logger.warn({ study: study.name, previous: claim.previous }, 'took over a study whose owner still held its lock');
  } else if (claim.previous !== undefined) {
    logger.info({ study: study.name, previous: claim.previous }, 'the process that ran this study has ended: carrying on');
  }

  const summary = await study.store.summariseStudy(study.id);
  const budget = study.definition.budget.trials ?? 0;
  const finished = summary.counts.COMPLETE + summary.counts.PRUNED + summary.counts.FAILED;
  const display = options.progress
    ? new ProgressDisplay(budget, finished, summary.bestValue, study.definition.objective.direction, study.definition.objective.metric)
    : undefined;

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts > 1) {
      printErr('\nquitting now; `sweeper resume` will re-run the trials that were running\n');
      process.exit(130);
    }
    display?.stop();
    printErr(`\n${signal}: stopping; running trials go back to the queue (press Ctrl-C again to quit now)\n`);
    logger.warn({ signal }, 'stop requested');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const { task } = study.definition;
  const wantsGpus = task?.type === 'command' && (task.gpus ?? 0) > 0;
  const devices = new DeviceAllocator<RunKey>(wantsGpus || options.gpus !== undefined ? await workerDevices(options.gpus, logger) : []);
  const pool = new TaskRouter({
    threads: options.threads,
    devices,
    logDir: options.logDir,
    backend: options.backend,
    logger,
    datasets: options.datasets,
  });
  try {
    const runner = new SweepRunner({
      study,
      executor: pool,
      logger,
      onEvent: (event: SweepEvent) => display?.onEvent(event),
    });
    return await runner.sweep(controller.signal);
  } finally {
    display?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool.close();
    await study.store.releaseStudy(study.id, owner.id);
  }
}
