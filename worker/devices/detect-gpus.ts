import { execFile } from 'node:child_process';

/** How long `nvidia-smi -L` may take: a wedged driver must not keep a worker from starting. */
export const DETECT_TIMEOUT_MS = 10_000;

/** A line of `nvidia-smi -L`: `GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-...)`. MIG lines (indented) are not GPUs of their own here. */
const GPU_LINE = /^GPU (\d+): /;

/** The indexes of the GPUs `nvidia-smi -L` lists, in its order. */
export function parseNvidiaSmiList(output: string): string[] {
  const ids: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = GPU_LINE.exec(line);
    if (match?.[1] !== undefined && !ids.includes(match[1])) ids.push(match[1]);
  }
  return ids;
}

export interface DetectOptions {
  /** The program to ask; found on PATH. */
  readonly command?: string;
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface Detection {
  readonly gpus: string[];
  /** Why no device was found, when the program could not tell: absent, failed, timed out. */
  readonly problem?: string;
}

/**
 * The GPUs of this machine as `nvidia-smi -L` lists them. No such program, one that fails or
 * one that does not answer within the timeout (it is killed) all mean no devices, with the
 * reason, for the log.
 */
export function detectGpus(options: DetectOptions = {}): Promise<Detection> {
  const command = options.command ?? 'nvidia-smi';
  const timeout = options.timeoutMs ?? DETECT_TIMEOUT_MS;
  return new Promise((resolve) => {
    execFile(
      command,
      ['-L'],
      { timeout, killSignal: 'SIGKILL', maxBuffer: 1 << 20, windowsHide: true, env: options.env ?? process.env },
      (error, stdout) => {
        if (error === null) {
          resolve({ gpus: parseNvidiaSmiList(stdout) });
          return;
        }
        const { code, killed } = error as NodeJS.ErrnoException & { killed?: boolean };
        const problem =
          code === 'ENOENT'
            ? `${command} not found`
            : killed
              ? `${command} -L did not answer within ${timeout / 1000} s`
              : `${command} -L failed: ${error.message.split('\n')[0] ?? ''}`;
        resolve({ gpus: [], problem });
      },
    );
  });
}
