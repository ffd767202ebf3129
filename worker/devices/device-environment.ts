import type { CommandTask } from '../../src/user-code/command-task.js';

/**
 * What a command run's program learns of its devices. A run that asked for GPUs sees exactly the
 * ones it holds in CUDA_VISIBLE_DEVICES (and SWEEPER_GPUS), with CUDA numbering them in
 * nvidia-smi's order (PCI bus) unless the sweep or the worker says otherwise; a run that asked
 * for none keeps the worker's CUDA_VISIBLE_DEVICES, and gets an empty SWEEPER_GPUS.
 */
export function deviceEnvironment(task: CommandTask, gpus: readonly string[]): NodeJS.ProcessEnv {
  if ((task.gpus ?? 0) === 0) return { SWEEPER_GPUS: '' };
  const ids = gpus.join(',');
  const order = task.env?.CUDA_DEVICE_ORDER ?? process.env.CUDA_DEVICE_ORDER ?? 'PCI_BUS_ID';
  return { CUDA_VISIBLE_DEVICES: ids, SWEEPER_GPUS: ids, CUDA_DEVICE_ORDER: order };
}
