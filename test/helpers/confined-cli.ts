import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { cliEnvironment, type CliResult } from './cli-process.js';
import { COMPILED_CLI } from './namespaced-cli.js';

/** setpriv's options that drop root for the unprivileged account every Debian system has. */
const AS_NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];

/** A mount namespace of its own: mounts made in it vanish with it and are seen by nobody else. */
const OWN_MOUNTS = ['unshare', '--mount', '--propagation', 'private'];

/**
 * `false` where the tests can run sweeper as nobody (setpriv), or mount file systems in a
 * namespace of their own (unshare), else why not, for the `skip` option of a test. Under CI a
 * missing permission never skips: there the tests must run, and fail if they cannot. A checkout
 * or temp folder that nobody may not enter (under /root, say) skips the tests as nobody anywhere:
 * that is where the files are, not what sweeper does.
 */
export function confinementSkip(needs: 'nobody' | 'mounts'): string | false {
  if (process.getuid?.() !== 0) return process.env.CI ? false : 'needs root, to run sweeper as nobody and to mount file systems';
  if (needs === 'mounts') {
    const probe = spawnSync(OWN_MOUNTS[0] as string, [...OWN_MOUNTS.slice(1), 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], {
      stdio: 'ignore',
    });
    return probe.status === 0 || process.env.CI ? false : 'unshare --mount cannot mount a file system here';
  }
  if (spawnSync('setpriv', [...AS_NOBODY, 'true'], { stdio: 'ignore' }).status !== 0)
    return process.env.CI ? false : 'setpriv cannot run a command as nobody';
  const reach = spawnSync('setpriv', [...AS_NOBODY, 'sh', '-c', 'test -r "$1" && test -x "$2"', 'sh', COMPILED_CLI, tmpdir()], {
    stdio: 'ignore',
  });
  return reach.status === 0 ? false : `user nobody cannot read ${COMPILED_CLI} or enter ${tmpdir()}`;
}

/** `sweeper ARGS` as user nobody. */
export function sweeperAsNobody(args: readonly string[]): Promise<CliResult> {
  return run('setpriv', [...AS_NOBODY, '--', process.execPath, COMPILED_CLI, ...args]);
}

/** `sweeper ARGS` as root, with `folder` bind-mounted read-only over itself. */
export function sweeperOnReadOnlyMount(folder: string, args: readonly string[]): Promise<CliResult> {
  return run(OWN_MOUNTS[0] as string, [
    ...OWN_MOUNTS.slice(1),
    'sh',
    '-c',
    'mount --bind -o ro "$1" "$1" && shift && exec "$@"',
    'sh',
    folder,
    process.execPath,
    COMPILED_CLI,
    ...args,
  ]);
}

/**
 * A shell script in a mount namespace of its own (to mount a small tmpfs, say), in which the
 * shell function `sweeper` runs the CLI under test.
 */
export function confinedShell(script: string): Promise<CliResult> {
  const withSweeper = `sweeper() { "$SWEEPER_NODE" "$SWEEPER_CLI" "$@"; }\n${script}`;
  return run(OWN_MOUNTS[0] as string, [...OWN_MOUNTS.slice(1), 'sh', '-c', withSweeper], {
    SWEEPER_NODE: process.execPath,
    SWEEPER_CLI: COMPILED_CLI,
  });
}

function run(command: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  // HOME: nobody cannot read root's; sweeper needs none, but Node's tools may look.
  const child = spawn(command, args, { env: cliEnvironment({ HOME: '/tmp', ...extraEnv }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
