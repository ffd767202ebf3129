import type { Command } from 'commander';
import { collect, nonEmpty } from '../option-parsers.js';
import type { MigrateFlags } from './migrate-command.js';

export function defineMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description(
      'copy studies with all their trials, epochs, repeats and checkpoints from one trial store to another (a SQLite file or a PostgreSQL database, either way); never overwrites a study',
    )
    .requiredOption('--from <store>', 'the store to copy from: a SQLite file or postgres://USER@HOST:PORT/DB', nonEmpty)
    .requiredOption('--to <store>', 'the store to copy into (a new SQLite file is made; a PostgreSQL database gets the tables)', nonEmpty)
    .option('--study <name>', 'copy only this study (repeat for several; default: every study)', collect)
    .option(
      '--from-checkpoints <dir>',
      "the source's checkpoint folder, if it is a PostgreSQL store (default: ./sweeper-checkpoints)",
      nonEmpty,
    )
    .option(
      '--to-checkpoints <dir>',
      "the target's checkpoint folder, if it is a PostgreSQL store (default: ./sweeper-checkpoints)",
      nonEmpty,
    )
    .option('--json', 'print what was copied as JSON (see docs/cli.md, "JSON output")')
    .action(async (flags: MigrateFlags) => (await import('./migrate-command.js')).migrateCommand(flags));
}
