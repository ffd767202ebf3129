// `--gpus` is parsed here, not in worker/devices/: the CLI's option parsers load no worker code.

/**
 * A device id as CUDA_VISIBLE_DEVICES takes it: an index (`0`) or a UUID (`GPU-8f7c...`,
 * `MIG-...`). No commas (they separate ids) and nothing a shell or a log would mangle.
 */
export const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;

/** Devices one worker may declare: more is a typing mistake (and would not fit a status line). */
export const MAX_DEVICES = 1024;

/**
 * `--gpus 0,1,2,3` or `--gpus none`: the worker's devices, in the order given. Throws a TypeError
 * saying what is wrong (an empty id, a repeated one, a character no device id has).
 */
export function parseGpuList(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'none') return [];
  if (trimmed.toLowerCase() === 'all')
    throw new TypeError(
      '--gpus must be device ids separated by commas (e.g. 0,1,2,3) or none, but got "all": leave --gpus out to use every GPU nvidia-smi lists',
    );
  if (trimmed === '') throw new TypeError('--gpus must be device ids separated by commas (e.g. 0,1,2,3) or none, but got nothing');
  const ids = trimmed.split(',').map((id) => id.trim());
  const seen = new Set<string>();
  for (const id of ids) {
    if (id === '')
      throw new TypeError(`--gpus must be device ids separated by commas (e.g. 0,1,2,3) or none, but got an empty id in "${text}"`);
    if (!DEVICE_ID.test(id))
      throw new TypeError(
        `--gpus must be device ids (an index like 0 or a UUID like GPU-8f7c...: letters, digits, "-", "_", ".", ":", "/"), but got "${id}"`,
      );
    if (seen.has(id)) throw new TypeError(`--gpus must name each device once, but got "${id}" twice`);
    seen.add(id);
  }
  if (ids.length > MAX_DEVICES) throw new TypeError(`--gpus must name at most ${MAX_DEVICES} devices, but got ${ids.length}`);
  return ids;
}

/** Whether `id` is a device id as `--gpus` accepts it (the coordinator checks the ids workers send). */
export function isDeviceId(id: string): boolean {
  return DEVICE_ID.test(id);
}
