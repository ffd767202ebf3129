import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { fromServiceError } from '../../src/rpc/grpc-status.js';
import { EXIT } from '../exit-codes.js';
import { addConnectionOptions, connect, type ConnectionFlags } from './connection-options.js';

interface SubmitFlags extends ConnectionFlags {
  study?: string;
  json?: boolean;
}

export function registerSubmitCommand(program: Command): void {
  addConnectionOptions(
    program
      .command('submit')
      .description('start a sweep file as a study on a running coordinator, whose workers run it')
      .argument('<file>', 'sweep file (YAML), e.g. sweeps/quickstart.yaml')
      .option('--study <name>', "name of the new study (default: the file's `study:`)")
      .option('--json', 'print the result as JSON'),
  ).action(async (file: string, flags: SubmitFlags) => {
    process.exitCode = await submitCommand(file, flags);
  });
}

async function submitCommand(file: string, flags: SubmitFlags): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError(file, [{ field: '', message: `cannot read the sweep file: ${reason}` }]);
  }
  // Checked here first, so a bad file is reported with its path before anything is sent.
  parseSweep(text, file, { ...(flags.study !== undefined && { studyName: flags.study }) });
  const { client, address } = connect(flags);
  try {
    const reply = await client.submit({ sweepYaml: text, fileName: basename(file), ...(flags.study !== undefined && { study: flags.study }) });
    if (flags.json) process.stdout.write(`${JSON.stringify({ study: reply.study, budget: reply.budget || null, coordinator: address })}\n`);
    else process.stdout.write(`submitted study ${reply.study} (${reply.budget > 0 ? `${reply.budget} trials` : 'no trial budget'}) to ${address}\n`);
    return EXIT.OK;
  } catch (error) {
    throw fromServiceError(error, address);
  } finally {
    client.close();
  }
}
