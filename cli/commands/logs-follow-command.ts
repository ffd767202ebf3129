import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidStateError } from '../../src/errors/invalid-state-error.js';
import { SweeperError } from '../../src/errors/sweeper-error.js';
import { fromServiceError } from '../../src/rpc/grpc-status.js';
import type { LogsReply } from '../../src/wire/coordinator-codec.js';
import { WIRE_LIMITS } from '../../src/wire/coordinator-codec.js';
import { EXIT } from '../exit-codes.js';
import { printErr, printOut } from '../output/terminal.js';
import { connect } from './connect-to-coordinator.js';
import type { ConnectionFlags } from './connection-options.js';

export interface LogsFollowFlags extends ConnectionFlags {
  repeat?: number;
}

/** How often a running trial's output is asked for when the last answer was not a full piece. */
const POLL_MS = 1_000;
/** Answers of UNAVAILABLE in a row (a worker reconnecting, slow to answer) before giving up. */
const UNAVAILABLE_TRIES = 30;

/**
 * `sweeper logs STUDY TRIAL --follow`: a running trial's output as it is written, fetched from
 * its worker through the coordinator once a second, printed with its control characters visible.
 * Ends (exit 0) once the run has ended and all its output has been printed; a trial that is not
 * running is an error (exit 2) that says where its kept log is.
 */
export async function logsFollowCommand(study: string, trialNumber: number, flags: LogsFollowFlags): Promise<number> {
  const { client, address } = connect(flags, 10_000);
  const repeat = flags.repeat ?? 0;
  const which = `trial ${trialNumber}${repeat > 0 ? ` (repeat ${repeat})` : ''} of study "${study}"`;
  const keptLog = `sweeper logs ${study} ${trialNumber}${flags.repeat === undefined ? '' : ` --repeat ${repeat}`} --db FILE`;
  const decoder = new StringDecoder('utf8');
  let offset = 0;
  let attempt: number | undefined;
  let unavailable = 0;
  try {
    for (;;) {
      let reply: LogsReply;
      try {
        reply = await client.logs({ study, trialNumber, repeat, offset });
        unavailable = 0;
      } catch (error) {
        const reported = fromServiceError(error, address, 'logs');
        // Once following, a worker that is briefly out of reach is waited for.
        if (attempt === undefined || !(reported instanceof SweeperError) || reported.code !== 'UNAVAILABLE') throw reported;
        if (++unavailable >= UNAVAILABLE_TRIES) throw reported;
        if (unavailable === 1) printErr(`[sweeper: ${reported.message}; still trying]\n`);
        await sleep(POLL_MS);
        continue;
      }
      if (attempt === undefined) {
        if (!reply.running) {
          throw new InvalidStateError(
            `${which} is not running (it has ended, or has not started): there is no output to follow`,
            `\`${keptLog}\` prints the log kept once a run has ended (FILE: the coordinator's store)`,
          );
        }
        attempt = reply.attempt;
      } else if (reply.attempt !== attempt && reply.attempt !== 0) {
        // The trial runs again (its worker was lost): the new attempt's log starts at its first byte.
        printOut(decoder.end());
        printErr(`[sweeper: attempt ${attempt} ended; attempt ${reply.attempt} runs: its output follows]\n`);
        attempt = reply.attempt;
        offset = 0;
        continue;
      }
      printOut(decoder.write(Buffer.from(reply.data)));
      offset = reply.nextOffset;
      // Once the run has ended, what it printed since the last answer is read to the end.
      if (!reply.running && reply.data.length === 0) break;
      if (reply.running && reply.data.length < WIRE_LIMITS.logChunk) await sleep(POLL_MS);
    }
    printOut(decoder.end());
    printErr(`[sweeper: the run of ${which} has ended; its kept log: ${keptLog} (FILE: the coordinator's store)]\n`);
    return EXIT.OK;
  } finally {
    client.close();
  }
}
