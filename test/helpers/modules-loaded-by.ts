import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEnvironment, SWEEPER_BIN } from './cli-process.js';

const RECORDER = fileURLToPath(new URL('./record-imports.js', import.meta.url));

export interface LoadedModules {
  /** npm packages imported (by name: `commander`, `@grpc/grpc-js`), sorted. */
  readonly packages: string[];
  /** Our own compiled modules, as paths below dist/ (`cli/main.js`), sorted. */
  readonly own: string[];
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `sweeper ARGS` as a user does (bin/sweeper.js) and lists the modules it imported. */
export function modulesLoadedBy(args: readonly string[], dir: string, env: NodeJS.ProcessEnv = {}): LoadedModules {
  const log = join(dir, `imports-${process.pid}-${Date.now()}.txt`);
  const child = spawnSync(process.execPath, ['--import', RECORDER, SWEEPER_BIN, ...args], {
    encoding: 'utf8',
    env: cliEnvironment({ ...env, RECORD_IMPORTS_TO: log }),
  });
  const urls = readFileSync(log, 'utf8').trim().split('\n');
  rmSync(log);
  const packages = new Set<string>();
  const own = new Set<string>();
  for (const url of urls) {
    const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (inPackage) packages.add(inPackage[1] as string);
    else if (url.includes('/dist/')) own.add(url.slice(url.lastIndexOf('/dist/') + '/dist/'.length));
  }
  return { packages: [...packages].sort(), own: [...own].sort(), status: child.status, stdout: child.stdout, stderr: child.stderr };
}
