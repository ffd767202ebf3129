import { availableParallelism } from 'node:os';
import type { LevelWithSilent } from 'pino';
import { createLogger } from '../../src/logging/create-logger.js';
import { fromServiceError } from '../../src/rpc/grpc-status.js';
import type { BackendPreference } from '../../src/training/backend-preference.js';
import type { RunKey } from '../../src/execution/run-assignment.js';
import { DeviceAllocator } from '../../worker/devices/device-allocator.js';
import { workerDevices } from '../../worker/devices/worker-devices.js';
import { TaskRouter } from '../../worker/task-router.js';
import { WorkerAgent } from '../../worker/worker-agent.js';
import { EXIT } from '../exit-codes.js';
import { counted } from '../output/counted.js';
import { connect } from './connect-to-coordinator.js';
import type { ConnectionFlags } from './connection-options.js';
import { softwareVersion } from '../software-version.js';
import { printErr, printOut } from '../output/terminal.js';

export interface WorkerFlags extends ConnectionFlags {
  threads?: number;
  /** `--gpus`; absent: what nvidia-smi -L lists. */
  gpus?: string[];
  backend: BackendPreference;
  drainTimeout: number;
  logFile?: string;
  /** Where command runs' output is written (`<dir>/<study>/<trial>.<repeat>@<attempt>.log`). */
  logs?: string;
  logLevel: LevelWithSilent;
}

export async function workerCommand(flags: WorkerFlags): Promise<number> {
  const { client, address } = connect(flags);
  const threads = flags.threads ?? availableParallelism();
  const logger = createLogger({ ...(flags.logFile !== undefined && { file: flags.logFile }), level: flags.logLevel });
  // Training runs on `threads` threads, started with the first training run; synthetic runs are timers.
  // Command runs are other processes: `threads` of them at once, like the training threads; those
  // that ask for GPUs also wait for free ones of these (each run its own).
  const devices = new DeviceAllocator<RunKey>(await workerDevices(flags.gpus, logger));
  const executor = new TaskRouter({
    threads,
    syntheticSlots: threads,
    commandSlots: threads,
    devices,
    ...(flags.logs !== undefined && { logDir: flags.logs }),
    backend: flags.backend,
    logger,
  });
  const agent = new WorkerAgent({ client, executor, threads, devices, logger, softwareVersion: softwareVersion(), logs: executor });
  const gpus = devices.devices.length > 0 ? ` and ${counted(devices.devices.length, 'GPU')} (${devices.devices.join(',')})` : '';
  printOut(`worker ${agent.workerId} with ${counted(threads, 'thread')}${gpus}, coordinator ${address}\n`);

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) process.exit(EXIT.INTERRUPTED);
    printErr(`${signal}: draining; running trials get ${flags.drainTimeout / 1000} s to finish (again to quit now)\n`);
    void agent.drain(flags.drainTimeout);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await agent.run();
  } catch (error) {
    await agent.close();
    throw fromServiceError(error, address, 'worker');
  }
  printOut('worker stopped\n');
  return EXIT.OK;
}
