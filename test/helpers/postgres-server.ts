import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { until } from './until.js';

/** Where Debian puts each PostgreSQL major version's programs; the newest is used. */
const DEBIAN_ROOT = '/usr/lib/postgresql';

/** setpriv's options that drop root: PostgreSQL refuses to run as root. */
const AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--'];

/** The folder of initdb and postgres, if PostgreSQL is installed. */
export function postgresBin(): string | undefined {
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((name) => existsSync(join(DEBIAN_ROOT, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(DEBIAN_ROOT, versions[0], 'bin');
}

/**
 * `false` where a throwaway PostgreSQL server can be started, else why not, for a test's `skip`.
 * Under CI it never skips: `.ci/run` installs PostgreSQL, and a test that cannot start it fails.
 */
export function postgresSkip(): string | false {
  if (process.env.CI) return false;
  return postgresBin() === undefined ? `PostgreSQL is not installed (no ${DEBIAN_ROOT}/*/bin/postgres)` : false;
}

/**
 * A real PostgreSQL server of its own, in a temp folder, on a free port of 127.0.0.1: made with
 * initdb, run as a child process so that a test can kill and restart it. Run as user nobody
 * when the tests run as root (PostgreSQL refuses root). Passwords are required over TCP
 * (scram-sha-256), so the URL's credentials are really checked.
 */
export class PostgresServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly folder: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  static readonly user = 'sweeper';
  static readonly password = 'sweeper-test-secret';

  static async start(): Promise<PostgresServer> {
    const bin = postgresBin();
    if (bin === undefined) throw new Error(`PostgreSQL is not installed: no ${DEBIAN_ROOT}/*/bin/postgres (apt-get install postgresql)`);
    const folder = mkdtempSync(join(tmpdir(), 'sweeper-pg-'));
    if (asRoot()) chownSync(folder, uidOf('nobody'), gidOf('nogroup'));
    const passwordFile = join(folder, 'password');
    runAsServerUser('sh', ['-c', `umask 077 && printf '%s\\n' "$1" > "$2"`, 'sh', PostgresServer.password, passwordFile]);
    runAsServerUser(join(bin, 'initdb'), [
      '-D',
      join(folder, 'data'),
      '-U',
      PostgresServer.user,
      `--pwfile=${passwordFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    const server = new PostgresServer(folder, await freePort(), bin);
    await server.resume();
    return server;
  }

  /** A URL of a fresh database on this server, made for one store. */
  database(name: string): string {
    runAsServerUser(join(this.bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(this.port), '-U', PostgresServer.user, name], {
      PGPASSWORD: PostgresServer.password,
    });
    return this.url(name);
  }

  url(database: string): string {
    return `postgres://${PostgresServer.user}:${PostgresServer.password}@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server (again) on its port and data, once it accepts connections. */
  async resume(): Promise<void> {
    const args = [
      join(this.bin, 'postgres'),
      '-D',
      join(this.folder, 'data'),
      '-p',
      String(this.port),
      '-k',
      this.folder,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
    ];
    const [command, ...rest] = asRoot() ? [...AS_NOBODY, ...args] : args;
    const child = spawn(command as string, rest, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    this.child = child;
    const ready = join(this.bin, 'pg_isready');
    await until(() => spawnSync(ready, ['-h', '127.0.0.1', '-p', String(this.port), '-q']).status === 0, {
      what: 'PostgreSQL to accept connections',
      // A server that cannot start exits: its log says why. One that neither starts nor exits is a broken machine.
      signal: AbortSignal.timeout(120_000),
      check: () => {
        if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}:\n${log}`);
      },
    });
  }

  /** Kills the server outright (SIGKILL of the postmaster, then of what it leaves), as a crash does. */
  async kill(): Promise<void> {
    await this.stopWith('SIGKILL');
    // A killed postmaster leaves its backends for a moment; the next start waits for them.
    spawnSync('pkill', ['-KILL', '-f', `postgres.*${this.folder}`]);
  }

  /** Stops the server cleanly, as an administrator's restart does (fast shutdown). */
  stop(): Promise<void> {
    return this.stopWith('SIGINT');
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }

  private async stopWith(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}

function asRoot(): boolean {
  return process.getuid?.() === 0;
}

function runAsServerUser(command: string, args: readonly string[], env: Record<string, string> = {}): void {
  const [program, ...rest] = asRoot() ? [...AS_NOBODY, command, ...args] : [command, ...args];
  const result = spawnSync(program as string, rest, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} failed (${result.status ?? result.signal}): ${result.stderr}${result.stdout}`);
}

function uidOf(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
}

function gidOf(group: string): number {
  return Number(spawnSync('getent', ['group', group], { encoding: 'utf8' }).stdout.split(':')[2]);
}
