/**
 * One process hosting many simulated workers for bench:scale: each is a real WorkerAgent with a
 * gRPC connection of its own to the coordinator, whose runs are synthetic timers
 * (SyntheticExecutor): to the coordinator, exactly what a `sweeper worker` is, minus the training.
 * Prints "simulated N workers" once every agent is started; SIGTERM closes them all.
 *
 *   node dist/bench/simulated-workers.js --coordinator 127.0.0.1:7400 --workers 250 --slots 8
 */
import { ChannelCredentials } from '@grpc/grpc-js';
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { positiveInteger } from '../cli/option-parsers.js';
import { softwareVersion } from '../cli/software-version.js';
import { CoordinatorClient } from '../src/rpc/coordinator-client.js';
import { SyntheticExecutor } from '../worker/synthetic-executor.js';
import { WorkerAgent } from '../worker/worker-agent.js';

const options = new Command()
  .name('simulated-workers')
  .requiredOption('--coordinator <address>', "the coordinator's address")
  .addOption(new Option('--workers <n>', 'workers in this process').default(1).argParser(positiveInteger))
  .addOption(new Option('--slots <n>', "each worker's runs at once").default(8).argParser(positiveInteger))
  .parse()
  .opts<{ coordinator: string; workers: number; slots: number }>();

const logger = pino({ level: 'warn' }, pino.destination(2));
const agents = Array.from({ length: options.workers }, () => {
  const client = new CoordinatorClient({
    address: options.coordinator,
    credentials: ChannelCredentials.createInsecure(),
    ownConnection: true,
    // Thousands of workers answered by one coordinator: a reply may wait its turn.
    timeoutMs: 60_000,
  });
  const executor = new SyntheticExecutor({ slots: options.slots, logger });
  return {
    client,
    executor,
    agent: new WorkerAgent({ client, executor, threads: options.slots, logger, softwareVersion: softwareVersion() }),
  };
});
const running = agents.map(({ agent }) => agent.run());
console.log(`simulated ${options.workers} workers`);

process.on('SIGTERM', () => {
  void Promise.all(agents.map(({ agent }) => agent.close())).then(() => process.exit(0));
});
await Promise.allSettled(running);
