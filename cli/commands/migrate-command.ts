import { copyStudies, type CopiedStudy } from '../../src/store/copy/copy-studies.js';
import { openStore, type LocatedStore } from '../../src/store/open-store.js';
import { openExistingStore } from '../open-existing-store.js';
import { counted } from '../output/counted.js';
import { printJson, printOut } from '../output/terminal.js';
import { thisProcess } from '../process-owner.js';

export interface MigrateFlags {
  readonly from: string;
  readonly to: string;
  readonly study?: readonly string[];
  readonly fromCheckpoints?: string;
  readonly toCheckpoints?: string;
  readonly json?: boolean;
}

/**
 * Copies studies between stores of either kind (SQLite to PostgreSQL when a sweep outgrows one
 * file, and back to hand a study over as a file), checked count by count before it is committed.
 */
export async function migrateCommand(flags: MigrateFlags): Promise<void> {
  const from = await openExistingStore(flags.from, 'write', {
    ...(flags.fromCheckpoints !== undefined && { checkpoints: flags.fromCheckpoints }),
  });
  let to: LocatedStore | undefined;
  try {
    to = await openStore(flags.to, 'write', { ...(flags.toCheckpoints !== undefined && { checkpoints: flags.toCheckpoints }) });
    const copied = await copyStudies(from, to, thisProcess('migrate'), flags.study);
    if (flags.json) printJson(`${JSON.stringify({ from: from.path, to: to.path, studies: copied }, null, 2)}\n`);
    else
      printOut(
        copied.map((study) => line(study)).join('') +
          `copied ${counted(copied.length, 'study', 'studies')} from ${from.path} to ${to.path}; every table's rows counted the same in both\n`,
      );
  } finally {
    await to?.close();
    await from.close();
  }
}

function line({ name, counts }: CopiedStudy): string {
  return (
    `${name}: ${counted(counts.trials, 'trial')}, ${counted(counts.trial_epochs, 'epoch')}, ${counted(counts.trial_repeats, 'repeat')}, ` +
    `${counted(counts.trial_results, 'result')}, ${counted(counts.trial_params, 'parameter value')}, ${counted(counts.trial_logs, 'log')}, ` +
    `${counted(counts.trial_segments, 'segment')}, ${counted(counts.trial_checkpoints, 'checkpoint')}\n`
  );
}
