import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { loadStudyReportData } from '../../src/report/study-report-data.js';
import { renderStudyReport } from '../../src/report/study-report-html.js';
import { openExistingStore } from '../open-existing-store.js';
import { printOut } from '../output/terminal.js';

export interface ReportFlags {
  output: string;
  db: string;
  top: number;
}

export async function reportCommand(name: string, flags: ReportFlags): Promise<void> {
  const store = await openExistingStore(flags.db, 'read');
  let html: string;
  try {
    html = renderStudyReport(await loadStudyReportData(store, name, { top: flags.top }));
  } finally {
    await store.close();
  }
  writeReport(flags.output, html);
  printOut(`wrote the report of study ${name} to ${flags.output} (${(Buffer.byteLength(html) / 1e6).toFixed(1)} MB)\n`);
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
      code === 'ENOENT'
        ? 'no such directory'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory, expected a file'
            : (error as Error).message;
    throw new InvalidArgumentError(`cannot write the report to ${path}: ${reason}`, 'choose another path with -o FILE');
  }
}
