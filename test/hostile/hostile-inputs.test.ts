import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeDamagedStore, writeNotADatabase, writeTruncatedStore } from '../fixtures/stores/damaged-store.js';
import { cliEnvironment, SWEEPER_BIN } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const CORPUS = fileURLToPath(new URL('../../../test/fixtures/hostile/', import.meta.url));

interface HostileCase {
  readonly name: string;
  /** A file in the corpus folder (it has a `.`), or one of SWEEP_GENERATORS. */
  readonly sweep: string;
  /** Replace `run $SWEEP --db $STORE --no-progress`. */
  readonly args?: readonly string[];
  /** One of STORE_GENERATORS; without it, $STORE names a file that must not come to exist. */
  readonly store?: string;
  readonly exit: number;
  /** A regex (multiline) that stderr must match: the line that names the problem. */
  readonly message: string;
  readonly bounds?: { readonly seconds?: number; readonly rssMb?: number; readonly stderrKib?: number };
  /** A known bug that makes the case fail: it runs as a todo test until the bug is fixed. */
  readonly bug?: string;
  /** Why a case's bounds differ from the defaults. */
  readonly note?: string;
}

/*
 * Safety bounds, not benchmarks: a refused input costs Node's start-up and one module graph,
 * 50-75 MB and well under 2 s here. What they catch is a reader that takes the input in whole or
 * expands it (/dev/zero, an alias bomb, a FIFO waited on): that runs for ever or into gigabytes.
 * They are four to ten times the measured figures so that a loaded CI machine or another Node
 * version does not fail them.
 */
const DEFAULT_SECONDS = 20;
const DEFAULT_RSS_MB = 300;
/** A message that names the problem is a few lines; pages of it bury the problem (or echo the input). */
const DEFAULT_STDERR_KIB = 16;

/** Bytes: the sweep limit is 1 MiB (src/config/sweep-file-limit.ts). */
const MIB = 1024 * 1024;

const base = (): string => readFileSync(join(CORPUS, 'synthetic.yaml'), 'utf8');

/** Write the sweep into `dir` and return the path to give on the command line (relative to `dir`). */
const SWEEP_GENERATORS: Record<string, (dir: string) => string> = {
  'dev-zero': () => '/dev/zero',
  fifo: () => 'fifo',
  directory: () => 'directory',
  'symlink-to-dev-zero': (dir) => {
    symlinkSync('/dev/zero', join(dir, 'sweep.yaml'));
    return 'sweep.yaml';
  },
  'fifty-mib': (dir) => {
    // Valid YAML throughout: 50 MiB of 64-byte lines `p0000000: xxx...`.
    const lines: string[] = [];
    for (let i = 0; i < (50 * MIB) / 64; i++) lines.push(`p${String(i).padStart(7, '0')}: ${'x'.repeat(53)}\n`);
    writeFileSync(join(dir, 'sweep.yaml'), lines.join(''));
    return 'sweep.yaml';
  },
  'one-mib-plus-one': (dir) => {
    const text = base();
    writeFileSync(join(dir, 'sweep.yaml'), text + '#'.repeat(MIB + 1 - Buffer.byteLength(text) - 1) + '\n');
    return 'sweep.yaml';
  },
  'nested-brackets': (dir) => {
    writeFileSync(join(dir, 'sweep.yaml'), `study: hostile\nspace: ${'['.repeat(100_000)}\n`);
    return 'sweep.yaml';
  },
  'invalid-utf8': (dir) => {
    writeFileSync(join(dir, 'sweep.yaml'), Buffer.concat([Buffer.from(base()), Buffer.from([0x23, 0x20, 0xff, 0xfe, 0xc3, 0x0a])]));
    return 'sweep.yaml';
  },
  'nul-bytes': (dir) => {
    writeFileSync(join(dir, 'sweep.yaml'), base().replace('study: hostile', 'study: hostile\0\0'));
    return 'sweep.yaml';
  },
  'dash-nesting': (dir) => {
    writeFileSync(join(dir, 'sweep.yaml'), base().replace('objective:', `description: ${'- '.repeat(400_000)}x\nobjective:`));
    return 'sweep.yaml';
  },
  'deep-indentation': (dir) => {
    const keys = Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i + 1)}k${i}:\n`);
    writeFileSync(join(dir, 'sweep.yaml'), `study: hostile\nspace:\n${keys.join('')}`);
    return 'sweep.yaml';
  },
  'megabyte-name': (dir) => {
    writeFileSync(join(dir, 'sweep.yaml'), base().replace('study: hostile', `study: ${'a'.repeat(1_000_000)}`));
    return 'sweep.yaml';
  },
  'nul-only': (dir) => {
    // 1 KiB: the refusal echoes the content (six bytes, `\u0000`, for each NUL), which 'megabyte-name' covers.
    writeFileSync(join(dir, 'sweep.yaml'), Buffer.alloc(1024));
    return 'sweep.yaml';
  },
};

/** Write a store of this kind at `path`. */
const STORE_GENERATORS: Record<string, (path: string) => Promise<unknown> | void> = {
  damaged: (path) => writeDamagedStore(path),
  truncated: (path) => writeTruncatedStore(path),
  'not-a-database': (path) => writeNotADatabase(path),
};

/**
 * Runs the command as the child of a python3 that waits for it, then prints the child's peak RSS
 * (ru_maxrss of RUSAGE_CHILDREN, KiB on Linux), exit code and wall time as JSON on fd 3. The peak
 * includes python's own pages before exec (about 10 MB), which only makes the bound stricter.
 * While it waits it kills the child past the time bound or, reading VmRSS every 20 ms, past the
 * memory bound: a runaway reader must not take the shared test machine's memory with it.
 */
const MEASURE = `
import json, os, resource, subprocess, sys, time
seconds_bound, rss_bound_kib = float(sys.argv[1]), int(sys.argv[2])
def rss_kib(pid):
    try:
        with open(f'/proc/{pid}/status') as status:
            for line in status:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
start = time.monotonic()
child = subprocess.Popen(sys.argv[3:])
killed = None
while child.poll() is None:
    if time.monotonic() - start > seconds_bound:
        killed = 'time'
    elif rss_kib(child.pid) > rss_bound_kib:
        killed = 'memory'
    if killed:
        child.kill()
        child.wait()
        break
    time.sleep(0.02)
seconds = time.monotonic() - start
with os.fdopen(3, 'w') as out:
    json.dump({'code': child.returncode, 'killed': killed, 'seconds': seconds, 'maxRssKib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, out)
`;

interface Measured {
  /** Negative: killed by that signal. */
  readonly code: number;
  /** Why the wrapper killed it, if it did. */
  readonly killed: 'time' | 'memory' | null;
  readonly seconds: number;
  readonly maxRssKib: number;
  readonly stdout: string;
  readonly stderr: string;
}

function measure(args: readonly string[], cwd: string, timeoutSeconds: number, rssMb: number): Promise<Measured> {
  const child = spawn('python3', ['-c', MEASURE, String(timeoutSeconds), String(rssMb * 1024), process.execPath, SWEEPER_BIN, ...args], {
    cwd,
    env: cliEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    // python kills the child at the bound; this only ends a wrapper that itself hangs.
    timeout: (timeoutSeconds + 30) * 1000,
  });
  const out = { stdout: '', stderr: '', report: '' };
  child.stdout?.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (out.report += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (out.report === '') reject(new Error(`the measuring wrapper ended (${code ?? signal}) without a report:\n${out.stderr}`));
      else resolve({ ...(JSON.parse(out.report) as Omit<Measured, 'stdout' | 'stderr'>), stdout: out.stdout, stderr: out.stderr });
    });
  });
}

/** Every entry of `dir` with what identifies its content: a file's sha256, a link's target, a kind. */
function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isFile()) entries[name] = `file ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
    else if (stat.isSymbolicLink()) entries[name] = `link ${readlinkSync(path)}`;
    else if (stat.isDirectory()) entries[name] = `dir ${readdirSync(path).join(',')}`;
    else entries[name] = stat.isFIFO() ? 'fifo' : 'other';
  }
  return entries;
}

const cases = (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: HostileCase[] }).cases;

describe('the hostile corpus: each input is refused fast, in bounded memory, naming the problem, writing nothing', () => {
  for (const c of cases) {
    test(c.name, { todo: c.bug }, async (t) => {
      const dir = tempDir('sweeper-hostile-');
      // Every case runs beside a FIFO and a directory, which some sweeps name as their dataset files.
      execFileSync('mkfifo', [join(dir, 'fifo')]);
      mkdirSync(join(dir, 'directory'));
      let sweep: string;
      if (c.sweep.includes('.')) {
        copyFileSync(join(CORPUS, c.sweep), join(dir, c.sweep));
        sweep = c.sweep;
      } else {
        const generate = SWEEP_GENERATORS[c.sweep] ?? assert.fail(`no sweep generator ${c.sweep}`);
        sweep = generate(dir);
      }
      const store = 'store.db';
      if (c.store !== undefined) {
        const generate = STORE_GENERATORS[c.store] ?? assert.fail(`no store generator ${c.store}`);
        await generate(join(dir, store));
        // The generators may leave an empty WAL and its index from reading the file back; a
        // command that opens the store removes them on close, which is not a write.
        rmSync(join(dir, `${store}-wal`), { force: true });
        rmSync(join(dir, `${store}-shm`), { force: true });
      }
      const args = (c.args ?? ['run', '$SWEEP', '--db', '$STORE', '--no-progress']).map((a) =>
        a.replace('$SWEEP', sweep).replace('$STORE', store),
      );
      const before = snapshot(dir);

      const seconds = c.bounds?.seconds ?? DEFAULT_SECONDS;
      const rssMb = c.bounds?.rssMb ?? DEFAULT_RSS_MB;
      const stderrKib = c.bounds?.stderrKib ?? DEFAULT_STDERR_KIB;
      const run = await measure(args, dir, seconds, rssMb);
      const peakMb = run.maxRssKib / 1024;
      t.diagnostic(
        `${c.name.padEnd(40)} exit ${String(run.code).padStart(3)}  ${run.seconds.toFixed(2).padStart(5)} s  peak ${peakMb.toFixed(1).padStart(5)} MB${run.killed === null ? '' : `  killed (${run.killed})`}`,
      );

      assert.equal(run.killed, null, `killed past the ${run.killed === 'time' ? `${seconds} s` : `${rssMb} MB`} bound:\n${run.stderr}`);
      assert.equal(run.code, c.exit, run.stderr);
      assert.match(run.stderr, new RegExp(c.message, 'm'));
      assert.doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
      assert.doesNotMatch(run.stderr, /looks like a bug/);
      assert.ok(run.seconds <= seconds, `${run.seconds.toFixed(2)} s, bound ${seconds} s`);
      assert.ok(
        Buffer.byteLength(run.stderr) <= stderrKib * 1024,
        `${Buffer.byteLength(run.stderr)} bytes of stderr, bound ${stderrKib} KiB`,
      );
      assert.ok(peakMb <= rssMb, `peak RSS ${peakMb.toFixed(1)} MB, bound ${rssMb} MB`);
      assert.deepEqual(snapshot(dir), before, 'nothing written: no store created, no file changed');
    });
  }
});
