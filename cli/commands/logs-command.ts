import { NotFoundError } from '../../src/errors/not-found-error.js';
import type { TrialStore } from '../../src/store/trial-store.js';
import { openExistingStore } from '../open-existing-store.js';
import { printErr, printOut } from '../output/terminal.js';

export interface LogsFlags {
  db: string;
  repeat?: number;
}

/**
 * `sweeper logs STUDY TRIAL`: the logs the store keeps (RunOutcome.log, the end of a run's
 * output), printed with their control characters visible: only the logs of runs that ended.
 * A running trial's live output comes from its worker (`--follow`, logs-follow-command.ts).
 */
export async function logsCommand(name: string, number: number, flags: LogsFlags): Promise<void> {
  const store = await openExistingStore(flags.db, 'read');
  try {
    const { text, note } = await logsOutput(store, name, number, flags);
    printOut(text);
    if (note) printErr(`${note}\n`);
  } finally {
    await store.close();
  }
}

/** What `sweeper logs` prints: the logs on standard output, and a note for standard error. */
export async function logsOutput(
  store: TrialStore,
  name: string,
  number: number,
  options: { repeat?: number },
): Promise<{ text: string; note?: string }> {
  const study = await store.getStudy(name);
  const trial = await store.getTrial(study.id, number);
  const all = await store.getLogs(trial.id);
  const logs = options.repeat === undefined ? all : all.filter((log) => log.repeat === options.repeat);
  const running = trial.state === 'RUNNING' || trial.state === 'QUEUED';
  const live = running
    ? ` (the trial is ${trial.state}: only the logs of runs that ended are kept; --follow --coordinator prints its live output)`
    : '';
  if (logs.length === 0) {
    const which = options.repeat === undefined ? `trial ${number}` : `repeat ${options.repeat} of trial ${number}`;
    throw new NotFoundError(
      `no log kept for ${which} of study "${name}"${live}`,
      "only the runs of command: and module: tasks keep the end of their output; the built-in training's runs keep none",
    );
  }
  // With one repeat, the log as it was; with several, each under a heading naming its repeat.
  const several = study.definition.repeats > 1 || all.length > 1;
  const text = logs
    .map(({ repeat, log }) => {
      const body = log.endsWith('\n') || log === '' ? log : `${log}\n`;
      return several ? `== repeat ${repeat} ==\n${body}` : body;
    })
    .join('');
  return live ? { text, note: live.trim().replace(/^\(|\)$/g, '') } : { text };
}
