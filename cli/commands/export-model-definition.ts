import type { Command } from 'commander';
import { nonEmpty, nonNegativeInteger } from '../option-parsers.js';
import { checkpointsOption, dbOption } from '../shared-options.js';
import type { ExportModelFlags } from './export-model-command.js';

export function defineExportModelCommand(program: Command): void {
  program
    .command('export-model')
    .description(
      "a trial's model at its best epoch in TensorFlow.js format (model.json + weights.bin, for tf.loadLayersModel), with its configuration (sweeper.json)",
    )
    .argument('<study>', 'study name')
    .argument('<trial>', 'trial number', nonNegativeInteger)
    .addOption(dbOption())
    .addOption(checkpointsOption())
    .requiredOption('-o, --output <dir>', 'the folder to write model.json, weights.bin and sweeper.json into (made if missing)', nonEmpty)
    .option('--repeat <n>', "which repeat's model (default: the repeat whose value is closest to the trial's)", nonNegativeInteger)
    .action(async (name: string, number: number, flags: ExportModelFlags) =>
      (await import('./export-model-command.js')).exportModelCommand(name, number, flags),
    );
}
