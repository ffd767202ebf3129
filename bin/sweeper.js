#!/usr/bin/env node
// Entry point of the `sweeper` command: the compiled CLI lives in dist/ (built by `npm install`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('error: sweeper is not built yet\nhint: run `npm install` (or `npm run build`) in the sweeper folder\n');
  process.exit(1);
}
await import(main.href);
