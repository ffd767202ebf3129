import type { StudyOwner } from '../src/store/records.js';

/**
 * What `--take-over` prints when the study's lock was still held: two processes may now run one
 * study, so it must be loud, on standard error, whatever the log level.
 */
export function takeOverWarning(study: string, previous: StudyOwner | undefined): string {
  const who =
    previous === undefined
      ? 'another process'
      : `process ${previous.pid} on ${previous.host} (since ${previous.since ?? 'an unknown time'})`;
  return [
    `warning: --take-over: study "${study}" was still locked by ${who}; taking it over all the same.`,
    '  If that process is in fact alive, both now run the study: stop one of them.',
    '  It keeps its lock until it exits; this process takes the lock then.',
    '',
  ].join('\n');
}
