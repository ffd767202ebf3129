/** Exit codes, documented in docs/cli.md, "Exit codes". */
export const EXIT = {
  OK: 0,
  /** Something failed while running (a full disk, a damaged store, a crashed pool). */
  FAILURE: 1,
  /** Bad input: a sweep file, an option, a study or trial that does not exist, a store this user cannot write. */
  BAD_INPUT: 2,
  /** Stopped by Ctrl-C or SIGTERM; the study can be resumed. */
  INTERRUPTED: 130,
} as const;
