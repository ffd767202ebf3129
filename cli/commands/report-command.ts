import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { loadStudyReportData, DEFAULT_TOP } from '../../src/report/study-report-data.js';
import { renderStudyReport } from '../../src/report/study-report-html.js';
import { openExistingStore, DEFAULT_DB } from '../open-existing-store.js';
import { positiveInteger } from '../option-parsers.js';

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('write one self-contained HTML report of a study (opens offline): history, parallel coordinates, importance, slices, learning curves, confusion matrix')
    .argument('<study>', 'study name')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .option('--db <path>', 'trial store (SQLite file)', DEFAULT_DB)
    .option('--top <n>', 'learning curves of the best N trials', positiveInteger, DEFAULT_TOP)
    .action(async (name: string, flags: { output: string; db: string; top: number }) => {
      const store = openExistingStore(flags.db);
      let html: string;
      try {
        html = renderStudyReport(await loadStudyReportData(store, name, { top: flags.top }));
      } finally {
        await store.close();
      }
      writeReport(flags.output, html);
      process.stdout.write(`wrote the report of study ${name} to ${flags.output} (${(Buffer.byteLength(html) / 1e6).toFixed(1)} MB)\n`);
    });
}

/** Written beside the target and renamed, so a failure never leaves half a report under the name. */
function writeReport(path: string, html: string): void {
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    writeFileSync(partial, html);
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such directory'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission denied'
      : code === 'EISDIR' ? 'is a directory, expected a file'
      : (error as Error).message;
    throw new InvalidArgumentError(`cannot write the report to ${path}: ${reason}`, 'choose another path with -o FILE');
  }
}
