import type { Logger } from 'pino';
import type { DatasetCache } from '../../src/datasets/dataset-cache.js';
import { createLogger } from '../../src/logging/create-logger.js';
import type { Study } from '../../src/study/study.js';
import { EXIT } from '../exit-codes.js';
import { runSession } from '../sweep-session.js';
import { printSweepResult } from './print-sweep-result.js';
import type { SessionFlags } from './session-options.js';
import { printErr } from '../output/terminal.js';
import { isPostgresUrl } from '../../src/store/postgres/postgres-location.js';
import { shownLocation } from '../../src/store/open-store.js';

/** The part `run` and `resume` share: run the study on this machine, print the result, pick the exit code. */
export async function runHere(
  study: Study,
  datasets: DatasetCache,
  flags: SessionFlags,
  context: Record<string, unknown>,
): Promise<number> {
  const progress = flags.progress && process.stderr.isTTY === true;
  const { logger, file: logFile } = sessionLogger(flags, progress);
  if (logFile !== undefined && !flags.json) printErr(`logs: ${logFile}\n`);
  logger.info({ study: study.name, db: shownLocation(flags.db), ...context }, 'sweep started');
  const result = await runSession({
    study,
    threads: flags.threads,
    ...(flags.gpus !== undefined && { gpus: flags.gpus }),
    ...(flags.logs !== undefined && { logDir: flags.logs }),
    backend: flags.backend,
    logger,
    datasets,
    progress,
    takeOver: flags.takeOver === true,
  });
  await printSweepResult(study, result, { json: flags.json === true, db: shownLocation(flags.db) });
  return result.interrupted ? EXIT.INTERRUPTED : EXIT.OK;
}

/** With a progress bar on the terminal, logs go to a file so that they do not tear the bar. */
function sessionLogger(flags: SessionFlags, showProgress: boolean): { logger: Logger; file?: string } {
  const file = flags.logFile ?? (showProgress ? (isPostgresUrl(flags.db) ? 'sweeper.log' : `${flags.db}.log`) : undefined);
  return { logger: createLogger({ ...(file !== undefined && { file }), level: flags.logLevel }), ...(file !== undefined && { file }) };
}
