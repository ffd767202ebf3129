import { dirname } from 'node:path';
import type { ErrorFacts, ErrorReason } from '../src/errors/error-facts.js';
import type { SweeperError } from '../src/errors/sweeper-error.js';

/**
 * The CLI's advice for the library's errors, by their reason: the store says what happened, the
 * CLI what to type next (its commands and options are the CLI's, not any store's).
 */
const HINTS: Readonly<Record<ErrorReason, (facts: ErrorFacts) => string>> = {
  DISK_FULL: ({ path }) => `free space on that disk (\`df -h ${dirname(path ?? '.')}\`), then continue with \`sweeper resume STUDY\``,
  READ_ONLY: () =>
    'run this as a user who may write the file and its folder, or copy the store to a folder you can write and use --db COPY; best, studies, trials, show, report, export and dashboard read a read-only store',
  DAMAGED: ({ path }) =>
    `sweeper writes nothing more into it. Copy what can be read into a new store: \`sqlite3 ${path ?? 'STORE'} ".recover" | sqlite3 recovered.db\`, then use --db recovered.db; or restore the store from a backup`,
  NOT_A_STORE: () => 'check --db (or SWEEPER_DB); if this file was a store, its first page is damaged: restore it from a backup',
  LOCKED: () => 'another sweeper (or sqlite3) is writing it; try again when it is done',
  IO_ERROR: () =>
    'check the disk and the file system that hold it (`dmesg`); a network file system without working locks cannot hold a store',
  CANNOT_OPEN: () => 'check that its folder exists and that this user may read it',
  NEEDS_UPGRADE: () =>
    'run any sweeper command on it once as a user who may write it (it is upgraded in place), or read it with the sweeper version that wrote it',
  STUDY_EXISTS: ({ study }) => `continue it with \`sweeper resume ${study ?? 'STUDY'}\`, or give the new one another name (--study NAME)`,
  NO_SUCH_STUDY: () => 'list the studies with `sweeper studies`',
  NO_SUCH_TRIAL: ({ study }) => `list its trials with \`sweeper trials ${study ?? 'STUDY'}\``,
  STUDY_OWNED: () =>
    'wait for that run to finish, or stop it (Ctrl-C) before resuming here; if you are sure it is gone (a lock on a network disk can outlive a host that died), add --take-over',
  NOT_A_STORE_FILE: () => 'give --db the path of a SQLite file (a new one is created by `sweeper run`)',
  NEWER_SCHEMA: () => 'upgrade sweeper to open this store',
  FENCED: () => 'nothing to do: the coordinator that leads now carries the studies on; started again, this one waits as a standby',
};

/** The hint printed under an error: its own (a coordinator's, a sweep file's), else the advice for its reason. */
export function hintFor(error: SweeperError): string | undefined {
  if (error.hint) return error.hint;
  return error.facts === undefined ? undefined : HINTS[error.facts.reason](error.facts);
}
