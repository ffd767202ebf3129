import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type ClientHttp2Session } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './machine-load.js';

// Idle HTTP/2 sessions that never call: how many the coordinator keeps, and its memory (RSS)
// with them open and after its auth timeout. Loopback only; the coordinator is a child process.
//   npm run bench:idle-connections [-- COUNT [SWEEPER_BIN]]
const count = Number(process.argv[2] ?? 9000);
const bin = process.argv[3] ?? fileURLToPath(new URL('../../bin/sweeper.js', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

console.log(describeMachine());
const dir = mkdtempSync(join(tmpdir(), 'sweeper-idle-'));
const child = spawn(
  process.execPath,
  [bin, 'coordinator', '--db', join(dir, 'idle.db'), '--listen', '127.0.0.1:0', '--log-level', 'silent'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise<number>((resolve) => {
  child.stdout.on('data', (chunk: Buffer) => {
    const match = /listening on 127\.0\.0\.1:(\d+)/.exec(chunk.toString());
    if (match) resolve(Number(match[1]));
  });
});
await sleep(1000);
const before = rssMb(child.pid ?? 0);
const sessions: ClientHttp2Session[] = [];
let closed = 0;
for (let i = 0; i < count; i++) {
  const session = connect(`http://127.0.0.1:${port}`);
  session.on('error', () => undefined);
  session.on('close', () => closed++);
  sessions.push(session);
  if (i % 500 === 499) await sleep(50);
}
await sleep(3000);
const withSessions = rssMb(child.pid ?? 0);
const openAt3s = count - closed;
await sleep(12_000);
const after = rssMb(child.pid ?? 0);
console.log(
  JSON.stringify({
    sessions: count,
    rssBeforeMb: Math.round(before),
    rssWithSessionsMb: Math.round(withSessions),
    openAfter3s: openAt3s,
    rssAfter15sMb: Math.round(after),
    openAfter15s: count - closed,
  }),
);
for (const session of sessions) session.destroy();
child.kill('SIGKILL');
rmSync(dir, { recursive: true, force: true });
