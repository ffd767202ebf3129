import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { createLogger } from '../../src/logging/create-logger.js';
import { fromServiceError } from '../../src/rpc/grpc-status.js';
import { BACKEND_PREFERENCES, type BackendPreference } from '../../src/training/backend-preference.js';
import { TaskRouter } from '../../worker/task-router.js';
import { WorkerAgent } from '../../worker/worker-agent.js';
import { EXIT } from '../exit-codes.js';
import { positiveInteger, seconds } from '../option-parsers.js';
import { addConnectionOptions, connect, type ConnectionFlags } from './connection-options.js';
import { softwareVersion } from '../software-version.js';

interface WorkerFlags extends ConnectionFlags {
  threads?: number;
  backend: BackendPreference;
  drainTimeout: number;
  logFile?: string;
  logLevel: LevelWithSilent;
}

export function registerWorkerCommand(program: Command): void {
  addConnectionOptions(
    program
      .command('worker')
      .description("run trials for a coordinator: a pool of threads training what it hands out")
      .option('--threads <n>', 'trials run at once (default: the number of cores)', positiveInteger)
      .addOption(new Option('--backend <name>', 'TensorFlow.js backend: auto uses tfjs-node when installed, else wasm').choices(BACKEND_PREFERENCES).default('auto'))
      .option('--drain-timeout <seconds>', 'on SIGTERM, how long running trials get to finish before they are handed back', seconds, 30_000)
      .option('--log-file <path>', 'write JSON logs here (default: standard error)')
      .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info')),
  ).action(async (flags: WorkerFlags) => {
    process.exitCode = await workerCommand(flags);
  });
}

async function workerCommand(flags: WorkerFlags): Promise<number> {
  const { client, address } = connect(flags);
  const threads = flags.threads ?? availableParallelism();
  const logger = createLogger({ ...(flags.logFile !== undefined && { file: flags.logFile }), level: flags.logLevel });
  // Training runs on `threads` threads, started with the first training run; synthetic runs are timers.
  const executor = new TaskRouter({ threads, syntheticSlots: threads, backend: flags.backend, logger });
  const agent = new WorkerAgent({ client, executor, threads, logger, softwareVersion: softwareVersion() });
  process.stdout.write(`worker ${agent.workerId} with ${threads} threads, coordinator ${address}\n`);

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) process.exit(EXIT.INTERRUPTED);
    process.stderr.write(`${signal}: draining; running trials get ${flags.drainTimeout / 1000} s to finish (again to quit now)\n`);
    void agent.drain(flags.drainTimeout);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await agent.run();
  } catch (error) {
    await agent.close();
    throw fromServiceError(error, address);
  }
  process.stdout.write('worker stopped\n');
  return EXIT.OK;
}
