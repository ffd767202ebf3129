import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Optuna, the reference the benchmarks compare against, run as a Python child process in the
 * same run as our side so both see the same machine at the same time.
 */

/** The message printed instead of the Optuna columns when Optuna cannot be imported. */
export const OPTUNA_MISSING = "Optuna not available: install Debian's python3-optuna (apt-get install python3-optuna)";

/**
 * The Python scripts stay in the source tree (tsc does not copy .py files); from the compiled
 * file (dist/bench/*.js, or any other --outDir one level below the repository) they are
 * two levels up.
 */
const PYTHON_DIR = fileURLToPath(new URL('../../bench/python/', import.meta.url));

/**
 * Debian's python3-optuna is installed for the system interpreter, so /usr/bin/python3 comes
 * first: a python3 earlier on PATH (a virtualenv, pyenv) would usually not have it.
 * SWEEPER_BENCH_PYTHON names another interpreter (one with Optuna from pip, say).
 */
const PYTHON = process.env.SWEEPER_BENCH_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export type PythonPeer =
  { readonly available: true; readonly python: string; readonly version: string } | { readonly available: false; readonly reason: string };
export type OptunaPeer = PythonPeer;

/** A Python package a benchmark compares against: how to import it, install it, and say it is missing. */
export interface PythonPackage {
  /** Imported by `import MODULE`; its `__version__` is the peer's version. */
  readonly module: string;
  /** The Debian package that installs it for the system interpreter. */
  readonly debian: string;
  /** Printed instead of the peer's columns when it cannot be imported. */
  readonly missing: string;
  /** Whose columns are skipped, for the message's second line. */
  readonly columns: string;
}

const OPTUNA: PythonPackage = { module: 'optuna', debian: 'python3-optuna', missing: OPTUNA_MISSING, columns: 'Optuna' };

/**
 * Finds an importable Optuna. When it is missing and we are root on a non-interactive Debian
 * (a CI container), installs python3-optuna once; otherwise says how to install it.
 */
export function findOptuna(): OptunaPeer {
  return findPythonPackage(OPTUNA);
}

/** Finds an importable `pkg.module`, installing `pkg.debian` where that is allowed (see findOptuna). */
export function findPythonPackage(pkg: PythonPackage): PythonPeer {
  const first = probe(pkg);
  if (first.available || !mayInstall()) return first;
  console.error(`${pkg.module} cannot be imported; installing ${pkg.debian} with apt-get ...`);
  installDebianPackage(pkg.debian);
  return probe(pkg);
}

/**
 * Installs a Debian package where a benchmark may (as root, DEBIAN_FRONTEND=noninteractive: a CI
 * container); false where it may not or the install failed.
 */
export function installDebianPackage(name: string): boolean {
  if (!mayInstall()) return false;
  // A fresh container often has no package lists yet, so a failed install is retried after an update.
  if (aptGet(['install', '-y', name])) return true;
  aptGet(['update']);
  return aptGet(['install', '-y', name]);
}

function probe(pkg: PythonPackage): PythonPeer {
  const result = spawnSync(PYTHON, ['-c', `import ${pkg.module}; print(${pkg.module}.__version__)`], { encoding: 'utf8' });
  if (result.error) return missing(pkg, `cannot run ${PYTHON}: ${result.error.message}`);
  if (result.status !== 0) return missing(pkg, `${PYTHON}: ${result.stderr.trim().split('\n').at(-1) ?? ''}`);
  return { available: true, python: PYTHON, version: result.stdout.trim() };
}

function missing(pkg: PythonPackage, detail: string): PythonPeer {
  return { available: false, reason: `${pkg.missing}\n  (${detail}; the ${pkg.columns} columns are skipped)` };
}

function mayInstall(): boolean {
  return process.getuid?.() === 0 && process.env.DEBIAN_FRONTEND === 'noninteractive';
}

function aptGet(args: readonly string[]): boolean {
  // apt's output goes to stderr so that stdout keeps only the table and the result line.
  return spawnSync('apt-get', args, { stdio: ['ignore', 2, 2] }).status === 0;
}

/**
 * A Python peer on one thread, as our side runs: set before the interpreter starts, since the
 * thread pools of OpenMP, MKL and OpenBLAS read these once (torch.set_num_threads alone leaves
 * PyTorch's inter-op pool and numpy's BLAS as they are).
 */
export const ONE_THREAD: Readonly<Record<string, string>> = {
  OMP_NUM_THREADS: '1',
  MKL_NUM_THREADS: '1',
  OPENBLAS_NUM_THREADS: '1',
};

/**
 * Runs bench/python/SCRIPT with `input` as JSON on stdin. The script answers with one JSON
 * value per line, so long runs can report each finished piece (`onRecord`) as it comes. `env`
 * adds to this process's environment (ONE_THREAD for a peer that must use one core).
 */
export function runPython(
  peer: PythonPeer & { available: true },
  script: string,
  input: unknown,
  onRecord?: (record: unknown) => void,
  env: Readonly<Record<string, string>> = {},
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    // -B: no __pycache__ written into the source tree.
    const child = spawn(peer.python, ['-B', `${PYTHON_DIR}${script}`], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const records: unknown[] = [];
    let pending = '';
    let stderr = '';
    let failure: Error | undefined;
    const take = (line: string): void => {
      if (line.trim() === '' || failure) return;
      try {
        const record = JSON.parse(line) as unknown;
        records.push(record);
        onRecord?.(record);
      } catch (error) {
        // Thrown inside a stream handler this would be uncaught: stop the child and reject instead.
        failure = error instanceof Error ? error : new Error(String(error));
        child.kill();
      }
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) take(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      take(pending);
      if (failure) reject(failure);
      else if (code !== 0) reject(new Error(`${script} exited with code ${code}:\n${stderr.trim()}`));
      else resolve(records);
    });
    child.stdin.end(JSON.stringify(input));
  });
}
