import type { Command } from 'commander';
import { DEFAULT_TOP } from '../../src/report/default-top.js';
import { positiveInteger } from '../option-parsers.js';
import { dbOption } from '../shared-options.js';
import type { ReportFlags } from './report-command.js';

export function defineReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'write one self-contained HTML report of a study (opens offline): history, parallel coordinates, importance, slices, learning curves, confusion matrix',
    )
    .argument('<study>', 'study name')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .addOption(dbOption())
    .option('--top <n>', 'learning curves of the best N trials', positiveInteger, DEFAULT_TOP)
    .action(async (name: string, flags: ReportFlags) => (await import('./report-command.js')).reportCommand(name, flags));
}
