import { randomInt } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigProblem } from '../errors/config-error.js';
import { formatPath, type PathProblem } from '../errors/path-problem.js';
import { earlyStoppingSpecFromFile, prunerSpecFromFile } from '../pruners/pruner-schema.js';
import { samplerSeed } from '../random/seed-streams.js';
import { gridPoints, gridValues } from '../samplers/grid-points.js';
import { samplerSpecFromSection } from '../samplers/sampler-schema.js';
import { SearchSpace } from '../space/search-space.js';
import { checkSearchSpace } from '../space/check-search-space.js';
import type { SweepTask } from '../execution/sweep-task.js';
import type { ParamSpec, SearchSpaceDefinition } from '../space/param-spec.js';
import type { StudySource } from '../store/records.js';
import type { StudyDefinition } from '../store/study-definition.js';
import { syntheticTaskFromSection } from '../synthetic/synthetic-section.js';
import { commandTaskFromSection, moduleTaskFromSection } from '../user-code/user-code-sections.js';
import { METRICS } from '../core/metrics.js';
import {
  CHANNELS_SETTINGS,
  INTEGER_SETTINGS,
  isSetting,
  SETTINGS,
  MODEL_WIDE_SETTINGS,
  TRAINING_SETTINGS,
  WIDTH_SETTINGS,
} from '../training/settings.js';
import { inheritedNameProblems } from '../validation/inherited-names.js';
import { describeValue, zodProblems } from '../validation/zod-problems.js';
import { checkBatchSizeChange } from './check-batch-size-change.js';
import { checkScheduleSettings } from './check-schedule-settings.js';
import { pbtProblems } from './check-pbt.js';
import { schedulerSpecFromSection } from '../population/scheduler-schema.js';
import { DATASET_FACTS } from '../datasets/dataset-catalog.js';
import { checkDatasetSection } from './dataset-section.js';
import { sweepFileSchema, type SweepFile } from './sweep-schema.js';
import { sectionEpochs, taskSections, trainingTaskFromSections } from './task-sections.js';
import { locateField } from './yaml-locations.js';
import { modelSectionProblems } from './model-section.js';
import { readSweepText } from './read-sweep-text.js';
import { SWEEP_FILE_LIMIT_BYTES, sweepFileTooLarge } from './sweep-file-limit.js';

export interface LoadedSweep {
  readonly definition: StudyDefinition;
  readonly source: StudySource;
}

export interface SweepParseOptions {
  /** Overrides the file's `study:` name (e.g. `sweeper run --study`). */
  readonly studyName?: string;
  /** The study seed when the file has none; a random one otherwise, recorded in the study. */
  readonly defaultSeed?: number;
  /**
   * The folder that relative dataset paths are resolved against (loadSweepFile: the file's own);
   * without one they must be absolute.
   */
  readonly baseDir?: string;
}

/** Reads and checks a sweep file; throws ConfigError naming the file, field and line of every problem. */
export async function loadSweepFile(path: string, options: SweepParseOptions = {}): Promise<LoadedSweep> {
  const text = await readSweepText(path);
  return parseSweep(text, path, { baseDir: dirname(resolve(path)), ...options });
}

export function parseSweep(text: string, sourceName: string, options: SweepParseOptions = {}): LoadedSweep {
  const bytes = Buffer.byteLength(text);
  if (bytes > SWEEP_FILE_LIMIT_BYTES) throw new ConfigError(sourceName, [{ field: '', message: sweepFileTooLarge(bytes) }]);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConfigError(
      sourceName,
      document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { field: '', message: `invalid YAML: ${error.message}`, line: position.line, column: position.col };
      }),
    );
  }
  let input: unknown;
  try {
    // yaml refuses more than maxAliasCount alias expansions (the "billion laughs"); very deep nesting overflows the stack.
    input = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (!(error instanceof ReferenceError || error instanceof RangeError)) throw error;
    throw new ConfigError(sourceName, [
      { field: '', message: `cannot be expanded: ${error.message} (too many aliases or too deep nesting)` },
    ]);
  }
  const located = (problems: readonly PathProblem[]): ConfigProblem[] =>
    problems.map((problem) => ({
      field: formatPath(problem.path),
      message: problem.message,
      ...locateField(document, lineCounter, problem.path),
    }));

  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError(sourceName, [{ field: '', message: `expected a mapping of sweep settings, but got ${describeValue(input)}` }]);
  }
  const inherited = inheritedNameProblems(input);
  if (inherited.length > 0) throw new ConfigError(sourceName, located(inherited));
  const parsed = sweepFileSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(sourceName, located(zodProblems(sweepFileSchema, input, parsed.error.issues)));

  const seed = parsed.data.seed ?? options.defaultSeed ?? randomInt(2 ** 31);
  const checked = checkSweep(parsed.data, seed, options.baseDir);
  if ('problems' in checked) throw new ConfigError(sourceName, located(checked.problems));
  const { space, task, epochs } = checked;
  const budget = checkBudget(parsed.data, space);
  if ('problem' in budget) throw new ConfigError(sourceName, located([budget.problem]));

  const definition = toStudyDefinition(parsed.data, { space, task, epochs, trials: budget.trials, seed }, options);
  return { definition, source: { text, format: 'yaml', path: sourceName } };
}

/** What the checks make of a valid file, beyond the file itself. */
interface CheckedSweep {
  readonly space: SearchSpaceDefinition;
  readonly task: SweepTask;
  readonly epochs?: number;
}

function checkSweep(file: SweepFile, seed: number, baseDir: string | undefined): CheckedSweep | { problems: PathProblem[] } {
  const problems: PathProblem[] = [];
  const checked = checkSearchSpace(file.space);
  problems.push(...checked.problems.map((p) => ({ ...p, path: ['space', ...p.path] })));
  const found = taskSections(file);
  if ('problems' in found) return { problems: [...problems, ...found.problems] };
  const { sections } = found;

  let task: SweepTask | undefined;
  if (sections.type === 'train') {
    // Parameters of a training sweep override settings; the synthetic task takes any name.
    for (const [name, param] of Object.entries(checked.space ?? {})) problems.push(...checkSettingParam(name, param));
    const facts = DATASET_FACTS[sections.dataset.name];
    problems.push(...modelSectionProblems(sections.model, checked.space, facts.shape));
    problems.push(...checkBatchSizeChange(sections.training, checked.space), ...checkScheduleSettings(sections.training, checked.space));
    const dataset = checkDatasetSection(sections.dataset, baseDir);
    if ('problems' in dataset) problems.push(...dataset.problems);
    else task = trainingTaskFromSections(sections, seed, dataset.paths);
  } else if (checked.space) {
    const made =
      sections.type === 'synthetic'
        ? syntheticTaskFromSection(sections.synthetic, checked.space)
        : sections.type === 'command'
          ? commandTaskFromSection(sections.command, checked.space, baseDir)
          : moduleTaskFromSection(sections.module, baseDir);
    if ('problems' in made) problems.push(...made.problems);
    else task = made.task;
  }
  problems.push(...objectiveProblems(file, sections.type));
  problems.push(...pbtProblems(file, sections, checked.space));

  const { epochs, field } = sectionEpochs(sections);
  const pruner = file.pruner;
  if (pruner?.type === 'hyperband' && pruner.max_resource === undefined) {
    if (epochs === undefined) {
      problems.push({
        path: ['pruner', 'max_resource'],
        message: `is required when ${field} is not set: Hyperband needs the most epochs a trial runs`,
      });
    } else if ((pruner.min_resource ?? 1) > epochs) {
      problems.push({
        path: ['pruner', 'min_resource'],
        message: `must be at most max_resource, which defaults to ${field} (${epochs}), but got ${pruner.min_resource}`,
      });
    }
  }
  return problems.length === 0 && checked.space && task
    ? { space: checked.space, task, ...(epochs !== undefined && { epochs }) }
    : { problems };
}

/** Built-in training and the synthetic task report METRICS only; a user's code may report any metric. */
function objectiveProblems(file: SweepFile, type: SweepTask['type']): PathProblem[] {
  const metric = file.objective?.metric;
  if (metric === undefined || type === 'command' || type === 'module' || (METRICS as readonly string[]).includes(metric)) return [];
  const task = type === 'train' ? 'built-in training' : 'the synthetic task';
  return [{ path: ['objective', 'metric'], message: `must be one of ${METRICS.join(', ')} (what ${task} reports), but got "${metric}"` }];
}

/**
 * A grid sweep runs every point once, so its budget defaults to the grid's size and cannot
 * exceed it; other samplers need a budget.
 */
function checkBudget(file: SweepFile, space: SearchSpaceDefinition): { trials: number } | { problem: PathProblem } {
  const trials = file.budget?.trials;
  // PBT's members are its trials (check-pbt.ts refuses any other count).
  if (file.scheduler) return { trials: file.scheduler.population };
  if (file.sampler?.type !== 'grid') {
    if (trials === undefined)
      return {
        problem: { path: ['budget', 'trials'], message: 'is required: how many trials to run (only a grid sweep can leave it out)' },
      };
    return { trials };
  }
  const searchSpace = SearchSpace.fromDefinition(space);
  for (const name of searchSpace.order) {
    const grid = gridValues(searchSpace.param(name));
    if ('problem' in grid) return { problem: { path: ['space', name], message: grid.problem } };
  }
  let size: number;
  try {
    size = gridPoints(searchSpace).length;
  } catch (error) {
    return { problem: { path: ['space'], message: `is too large for grid search: ${(error as Error).message}` } };
  }
  if (trials !== undefined && trials > size) {
    return { problem: { path: ['budget', 'trials'], message: `must be at most the grid's ${size} points, but got ${trials}` } };
  }
  return { trials: trials ?? size };
}

const SEARCHABLE = [
  ...Object.keys(MODEL_WIDE_SETTINGS),
  `${WIDTH_SETTINGS[0]}..${WIDTH_SETTINGS.at(-1) ?? ''}`,
  `${CHANNELS_SETTINGS[0]}..${CHANNELS_SETTINGS.at(-1) ?? ''}`,
  ...Object.keys(TRAINING_SETTINGS),
].join(', ');

/** A space parameter must name a setting, and every value it can take must suit that setting. */
function checkSettingParam(name: string, param: ParamSpec): PathProblem[] {
  if (!isSetting(name)) {
    return [{ path: ['space', name], message: `is not a setting that can be searched (expected one of: ${SEARCHABLE})` }];
  }
  if (INTEGER_SETTINGS.has(name) && param.type === 'float') {
    return [{ path: ['space', name, 'type'], message: `${name} takes whole numbers: expected "int" or "categorical", but got "float"` }];
  }
  const schema = SETTINGS[name];
  const problems: PathProblem[] = [];
  const check = (path: (string | number)[], value: unknown): void => {
    const result = schema.safeParse(value);
    if (!result.success) {
      const first = zodProblems(schema, value, result.error.issues)[0];
      problems.push({ path: ['space', name, ...path], message: `${first?.message ?? 'invalid'} (as a value of ${name})` });
    }
  };
  if (param.type === 'categorical') param.choices.forEach((choice, index) => check(['choices', index], choice));
  else {
    check(['low'], param.low);
    check(['high'], param.high);
  }
  return problems;
}

function toStudyDefinition(
  file: SweepFile,
  checked: CheckedSweep & { trials: number; seed: number },
  options: SweepParseOptions,
): StudyDefinition {
  return {
    name: options.studyName ?? file.study,
    ...(file.description !== undefined && { description: file.description }),
    space: checked.space,
    objective: file.objective ?? { metric: 'val_accuracy', direction: 'maximize' },
    // PBT draws its first population at random (check-pbt.ts refuses any other sampler).
    sampler: samplerSpecFromSection(file.sampler ?? (file.scheduler && { type: 'random' }), samplerSeed(checked.seed)),
    pruner: prunerSpecFromFile(file.pruner, checked.epochs),
    ...(file.early_stopping && { earlyStopping: earlyStoppingSpecFromFile(file.early_stopping) }),
    ...(file.scheduler && { scheduler: schedulerSpecFromSection(file.scheduler) }),
    budget: { trials: checked.trials, ...(file.budget?.max_concurrent !== undefined && { maxConcurrent: file.budget.max_concurrent }) },
    repeats: file.repeats ?? 1,
    seed: checked.seed,
    ...(file.run_timeout !== undefined && { runTimeout: file.run_timeout }),
    ...(file.checkpoint && { checkpoint: { every: file.checkpoint.every ?? 1, keep: file.checkpoint.keep ?? 0 } }),
    task: checked.task,
  };
}
