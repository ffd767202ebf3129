import { basename } from 'node:path';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import { readSweepText } from '../../src/config/read-sweep-text.js';
import { fromServiceError } from '../../src/rpc/grpc-status.js';
import { EXIT } from '../exit-codes.js';
import { counted } from '../output/counted.js';
import { connect } from './connect-to-coordinator.js';
import type { ConnectionFlags } from './connection-options.js';
import { printJson, printOut } from '../output/terminal.js';

export interface SubmitFlags extends ConnectionFlags {
  study?: string;
  json?: boolean;
}

export async function submitCommand(file: string, flags: SubmitFlags): Promise<number> {
  const text = await readSweepText(file);
  // Checked here first, so a bad file is reported with its path before anything is sent.
  parseSweep(text, file, { ...(flags.study !== undefined && { studyName: flags.study }) });
  const { client, address } = connect(flags);
  try {
    const reply = await client.submit({
      sweepYaml: text,
      fileName: basename(file),
      ...(flags.study !== undefined && { study: flags.study }),
    });
    if (flags.json) printJson(`${JSON.stringify({ study: reply.study, budget: reply.budget || null, coordinator: client.address })}\n`);
    else
      printOut(
        `submitted study ${reply.study} (${reply.budget > 0 ? counted(reply.budget, 'trial') : 'no trial budget'}) to ${client.address}\n`,
      );
    return EXIT.OK;
  } catch (error) {
    throw fromServiceError(error, address, 'submit');
  } finally {
    client.close();
  }
}
