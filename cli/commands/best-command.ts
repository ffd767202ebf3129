import type { ParamValue } from '../../src/space/param-spec.js';
import { isValueList, type ParamBounds } from '../../src/store/records.js';
import type { TrialStore } from '../../src/store/trial-store.js';
import { openExistingStore } from '../open-existing-store.js';
import { studyJson, trialJson } from '../../src/views/trial-json.js';
import { checkColumnNames, trialsTable, type TrialsTableOptions } from '../output/trials-table.js';
import { outputWidth } from '../output/output-width.js';
import { parseWhere, requireParam } from '../param-filter-option.js';
import { formatParam } from '../output/format-values.js';
import { printJson, printOut } from '../output/terminal.js';
import { pbtNote } from '../output/pbt-note.js';
import { withFinalParams } from '../../src/store/segments.js';

export interface BestOptions {
  readonly top: number;
  /** `NAME=VALUE` and `NAME<VALUE` (<=, >, >=) conditions, as typed. */
  readonly where?: readonly string[];
  readonly groupBy?: string;
  readonly json?: boolean;
  /** `--columns`: the table's columns after rank, trial and the objective. */
  readonly columns?: readonly string[];
  /** Fit tables to this many characters (see outputWidth); every column when undefined. */
  readonly width?: number;
}

export type BestFlags = BestOptions & { db: string };

export async function bestCommand(name: string, flags: BestFlags): Promise<void> {
  const store = await openExistingStore(flags.db, 'read');
  try {
    const width = outputWidth();
    const output = await bestOutput(store, name, { ...flags, ...(width !== undefined && { width }) });
    if (flags.json) printJson(output);
    else printOut(output);
  } finally {
    await store.close();
  }
}

/** What `sweeper best` prints (kept apart from the process so that bench:query times it in-process). */
export async function bestOutput(store: TrialStore, name: string, options: BestOptions): Promise<string> {
  const study = await store.getStudy(name);
  const space = study.definition.space;
  const where = parseWhere(options.where ?? [], space, name);
  if (options.groupBy !== undefined) requireParam(space, options.groupBy, name, '--group-by');
  const { metric, direction } = study.definition.objective;
  const paramOrder = Object.keys(space);
  const table: TrialsTableOptions = {
    rank: true,
    metric,
    paramOrder,
    ...(options.width !== undefined && { width: options.width }),
    ...(options.columns !== undefined && { columns: options.columns }),
  };
  checkColumnNames(table);
  const condition = Object.entries(where)
    .map(([param, condition]) => describeCondition(param, condition))
    .join(', ');
  const filtered = condition === '' ? '' : ` where ${condition}`;

  if (options.groupBy === undefined) {
    const found = await store.bestTrials(study.id, options.top, { where });
    // A PBT member's model is that of the parameters it ended with.
    const pbt = study.definition.scheduler !== undefined;
    const best = pbt ? withFinalParams(found, await store.listSegments(study.id)) : found;
    if (options.json) {
      const summary = await store.summariseStudy(study.id);
      return `${JSON.stringify({ study: studyJson(summary), where, trials: best.map(trialJson) }, null, 2)}\n`;
    }
    if (best.length === 0) return `study ${name} has no complete trial${filtered || ' yet'}\n`;
    const note = pbt ? pbtNote(name) : '';
    return `best ${best.length} of study ${name} by ${metric} (${direction})${filtered}:\n${trialsTable(best, table)}\n${note}`;
  }

  const groups = await store.bestTrialsByGroup(study.id, options.groupBy, options.top, { where });
  if (options.json) {
    const summary = await store.summariseStudy(study.id);
    const json = groups.map((group) => ({ value: group.value, complete: group.complete, trials: group.trials.map(trialJson) }));
    return `${JSON.stringify({ study: studyJson(summary), where, group_by: options.groupBy, groups: json }, null, 2)}\n`;
  }
  if (groups.length === 0) return `study ${name} has no complete trial with a value of ${options.groupBy}${filtered}\n`;
  const lines = [`best ${options.top} of study ${name} for each ${options.groupBy}, by ${metric} (${direction})${filtered}:`];
  for (const group of groups) {
    lines.push(`${options.groupBy} = ${formatParam(group.value)}: best ${group.trials.length} of ${group.complete} complete`);
    lines.push(trialsTable(group.trials, table));
  }
  return `${lines.join('\n')}\n`;
}

/** `depth=2|3` or `learning_rate>=0.001, learning_rate<0.1`, as the heading of the output says it. */
function describeCondition(param: string, condition: readonly ParamValue[] | ParamBounds): string {
  if (isValueList(condition)) return `${param}=${condition.map(formatParam).join('|')}`;
  return Object.entries(condition)
    .map(([op, bound]) => `${param}${op}${formatParam(bound)}`)
    .join(', ');
}
