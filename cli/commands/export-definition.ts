import { Option, type Command } from 'commander';
import { EXPORT_FORMATS } from '../output/export-formats.js';
import { dbOption } from '../shared-options.js';
import type { ExportFlags } from './export-command.js';

export function defineExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'every trial (or, with --epochs, every epoch) of a study as CSV or JSON, one column per parameter, for pandas and spreadsheets',
    )
    .argument('<study>', 'study name')
    .addOption(dbOption())
    .addOption(
      new Option('--format <format>', 'csv, json (an array of records) or jsonl (one record a line)')
        .choices(EXPORT_FORMATS)
        .default('csv'),
    )
    .option('--epochs', 'one row per trial, repeat and epoch, with its metrics')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (name: string, flags: ExportFlags) => (await import('./export-command.js')).exportCommand(name, flags));
}
