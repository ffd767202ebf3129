import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { NamespacedCli } from './namespaced-cli.js';

/**
 * What a container does to a process that matters to sweeper: a PID namespace of its own, where
 * it is PID 1 (as the entry point of every Docker container is), and a hostname of its own (a
 * pod rescheduled on another node comes back under another one). `unshare` gives both without
 * Docker: `--pid --fork --mount-proc` for PID 1, `--uts` and `hostname NAME` for the host.
 */
export interface ContainerLike {
  /** Run as PID 1 of a new PID namespace (default true). */
  readonly pid1?: boolean;
  /** Run under this hostname, in a UTS namespace of its own. */
  readonly hostname?: string;
}

/** The command prefix that starts a program as in such a container. */
export function containerPrefix(container: ContainerLike): string[] {
  const prefix = ['unshare'];
  if (container.pid1 !== false) prefix.push('--pid', '--fork', '--mount-proc');
  if (container.hostname !== undefined) {
    // `exec` keeps the program itself as the namespace's first process, not a shell around it.
    prefix.push('--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', container.hostname);
  }
  return prefix;
}

/** `sweeper ARGS` started as in a container, killed (SIGKILL) with its whole namespace by kill(). */
export function sweeperInContainer(name: string, container: ContainerLike, args: readonly string[], logFile?: string): NamespacedCli {
  return new NamespacedCli(name, containerPrefix(container), args, logFile);
}

/** Why PID and UTS namespaces cannot be made here (unshare missing, or not permitted), or undefined. */
export function containerNamespacesUnavailable(): string | undefined {
  const probe = spawnSync(
    'unshare',
    ['--pid', '--fork', '--mount-proc', '--uts', 'sh', '-c', 'hostname sweeper-probe && echo "$$ $(hostname)"'],
    { encoding: 'utf8' },
  );
  if (probe.error !== undefined) return `cannot run unshare (Debian package util-linux): ${probe.error.message}`;
  if (probe.status !== 0 || probe.stdout.trim() !== '1 sweeper-probe') {
    const uid = process.getuid?.();
    const who = uid === 0 ? 'even as root' : `running as uid ${uid}, not root`;
    return `\`unshare --pid --uts\` is not permitted here (${who}): ${(probe.stderr || probe.stdout).trim()}`;
  }
  return undefined;
}

/**
 * Skips a test that needs the namespaces where they cannot be made, saying why; returns true if
 * it was skipped. Under CI (env CI set) it fails instead: CI runs as root and must run it.
 */
export function skipWithoutNamespaces(t: TestContext): boolean {
  const unavailable = containerNamespacesUnavailable();
  if (unavailable === undefined) return false;
  if (process.env.CI) throw new Error(`CI must run the container tests, but ${unavailable}`);
  t.skip(`needs PID and UTS namespaces: ${unavailable}`);
  return true;
}
