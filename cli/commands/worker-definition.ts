import { Option, type Command } from 'commander';
import { BACKEND_PREFERENCES } from '../../src/training/backend-preference.js';
import { gpuIds, positiveInteger } from '../option-parsers.js';
import { DEFAULT_DRAIN_SECONDS, logFileOption, logLevelOption, secondsOption } from '../shared-options.js';
import { addConnectionOptions } from './connection-options.js';
import type { WorkerFlags } from './worker-command.js';

export function defineWorkerCommand(program: Command): void {
  addConnectionOptions(
    program
      .command('worker')
      .description('run trials for a coordinator: a pool of threads training what it hands out')
      .option('--threads <n>', 'trials run at once (default: the number of cores)', positiveInteger)
      .option(
        '--gpus <ids>',
        'devices to hand to command runs that ask for resources.gpus, e.g. 0,1,2,3, or none (default: those nvidia-smi -L lists)',
        gpuIds,
      )
      .addOption(
        new Option('--backend <name>', 'TensorFlow.js backend: auto uses tfjs-node when installed, else wasm')
          .choices(BACKEND_PREFERENCES)
          .default('auto'),
      )
      .addOption(
        secondsOption(
          '--drain-timeout <seconds>',
          'on SIGTERM, how long running trials get to finish before they are handed back',
          DEFAULT_DRAIN_SECONDS,
        ),
      )
      .option('--logs <dir>', "where command trials' stdout and stderr go on this machine (default: the temp dir's sweeper-logs)")
      .addOption(logFileOption())
      .addOption(logLevelOption('info')),
  ).action(async (flags: WorkerFlags) => {
    process.exitCode = await (await import('./worker-command.js')).workerCommand(flags);
  });
}
