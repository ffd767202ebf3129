import type { EpochDecision } from '../../src/execution/run-assignment.js';
import { loadUserFunction } from './load-user-module.js';
import type { ModulePoolMessage, ModuleThreadMessage, ModuleThreadTask } from './module-messages.js';

/**
 * Piscina task: one run of a user's module. It never imports TensorFlow.js itself; a module that
 * does pays for it once per thread (imports are cached, see loadUserFunction).
 */
export default async function runModule(task: ModuleThreadTask): Promise<void> {
  const { port } = task;
  const post = (message: ModuleThreadMessage): void => port.postMessage(message);
  const abort = new AbortController();
  const pending = new Map<number, { resolve: (d: EpochDecision) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  port.on('message', (message: ModulePoolMessage) => {
    if (message.type === 'abort') {
      abort.abort(new Error(message.reason));
      return;
    }
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.type === 'decision') {
      // Abort after resolving, so a module awaiting report() sees 'stop' before the signal fires.
      waiter?.resolve(message.decision);
      if (message.decision === 'stop') abort.abort(new Error('the run was stopped'));
    } else waiter?.reject(new Error(message.problem));
  });
  const report = (epoch: unknown, metrics: unknown): Promise<EpochDecision> =>
    new Promise<EpochDecision>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      try {
        post({ type: 'report', id, epoch, metrics });
      } catch (error) {
        // Metrics that cannot cross threads (a function, a tensor): the pool never sees them.
        pending.delete(id);
        reject(new TypeError(`metrics must be plain numbers, but could not be sent: ${(error as Error).message}`));
      }
    });
  let train: (...args: unknown[]) => unknown;
  try {
    train = await loadUserFunction(task.module, task.exportName, task.resolveFrom);
  } catch (error) {
    // Our own stack says nothing to the user: the message names the module and what is wrong.
    post({ type: 'done', result: { status: 'threw', message: (error as Error).message } });
    port.close();
    return;
  }
  post({ type: 'started' });
  try {
    await train(task.params, { ...task.context, report, signal: abort.signal });
    post({ type: 'done', result: { status: 'returned' } });
  } catch (error) {
    const { message, stack } = error instanceof Error ? error : { message: String(error), stack: undefined };
    post({ type: 'done', result: { status: 'threw', message, ...(stack !== undefined && { stack }) } });
  } finally {
    port.close();
  }
}
