import type { SweepResult } from '../../coordinator/sweep-runner.js';
import type { Study } from '../../src/study/study.js';
import { studyJson, trialJson } from '../../src/views/trial-json.js';
import { outputWidth } from '../output/output-width.js';
import { trialsTable } from '../output/trials-table.js';
import { printJson, printOut } from '../output/terminal.js';
import { pbtNote } from '../output/pbt-note.js';
import { withFinalParams } from '../../src/store/segments.js';

const SHOWN = 5;

/** What `run` and `resume` print at the end: the best configurations and how to go on. */
export async function printSweepResult(study: Study, result: SweepResult, options: { json: boolean; db: string }): Promise<void> {
  const found = await study.best(SHOWN);
  // A PBT member's model is that of the parameters it ended with.
  const pbt = study.definition.scheduler !== undefined;
  const best = pbt ? withFinalParams(found, await study.store.listSegments(study.id)) : found;
  if (options.json) {
    printJson(
      `${JSON.stringify({ study: studyJson(result.summary), interrupted: result.interrupted, best: best.map(trialJson) }, null, 2)}\n`,
    );
    return;
  }
  const { counts } = result.summary;
  const line = `study ${study.name}: ${counts.COMPLETE} complete, ${counts.FAILED} failed, ${counts.PRUNED} pruned, ${counts.QUEUED} queued`;
  printOut(`${line}${result.interrupted ? ' (interrupted)' : ''}\n`);
  if (best.length > 0) {
    printOut(`best ${best.length} by ${study.definition.objective.metric} (${study.definition.objective.direction}):\n`);
    printOut(
      `${trialsTable(best, { rank: true, metric: study.definition.objective.metric, paramOrder: study.space.order, ...widthOption() })}\n`,
    );
    if (pbt) printOut(pbtNote(study.name));
  }
  if (result.interrupted) printOut(`continue with: sweeper resume ${study.name} --db ${options.db}\n`);
}

function widthOption(): { width?: number } {
  const width = outputWidth();
  return width === undefined ? {} : { width };
}
