import type { Logger } from 'pino';
import { detectGpus, type DetectOptions } from './detect-gpus.js';

/**
 * The devices a worker hands to runs: those `--gpus` names when given (`none` is none), else
 * the GPUs `nvidia-smi -L` lists, if it is there and answers.
 */
export async function workerDevices(gpus: readonly string[] | undefined, logger: Logger, detect: DetectOptions = {}): Promise<string[]> {
  if (gpus !== undefined) return [...gpus];
  const found = await detectGpus(detect);
  if (found.problem !== undefined) logger.debug({ reason: found.problem }, 'no GPUs found (start the worker with --gpus to name them)');
  else logger.info({ gpus: found.gpus }, 'GPUs found with nvidia-smi -L');
  return found.gpus;
}
