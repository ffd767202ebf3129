/**
 * The sweeper library: search spaces, samplers (TPE, grid, random), pruners, the trial store and
 * the ask/tell API.
 * Importing it has no side effects (TensorFlow.js is loaded only by the training modules,
 * which worker threads import themselves).
 */
export { Study } from './study/study.js';
export type { StudyOptions } from './study/study-options.js';
export type { StudyDefinition } from './store/study-definition.js';
export type { Direction } from './core/direction.js';
export type { SamplerSpec } from './samplers/sampler-spec.js';
export { TRIAL_STATES, type TrialState } from './core/trial-state.js';

export { SearchSpace } from './space/search-space.js';
export type { ParamSpec, ParamValue, ParamValues, SearchSpaceDefinition, Condition } from './space/param-spec.js';
export type { SearchSpaceInput, ParamSpecInput } from './space/space-schema.js';

export { RandomSampler } from './samplers/random-sampler.js';
export { TpeSampler } from './samplers/tpe/tpe-sampler.js';
export { GridSampler } from './samplers/grid-sampler.js';
export { createSampler } from './samplers/create-sampler.js';
export { TPE_DEFAULTS, type TpeSamplerSpec, type GridSamplerSpec, type RandomSamplerSpec } from './samplers/sampler-spec.js';
export type { Sampler, SamplerContext, TrialSnapshot } from './samplers/sampler.js';

export { parameterImportance, type ImportanceInput } from './importance/parameter-importance.js';

export { createPruner } from './pruners/create-pruner.js';
export { EarlyStopping } from './pruners/early-stopping.js';
export { PruningMonitor, type EpochVerdict } from './pruners/pruning-monitor.js';
export type { Pruner, PruneContext, PruneDecision, TrialCurve } from './pruners/pruner.js';
export type { PrunerSpec, EarlyStoppingSpec } from './pruners/pruner-spec.js';

export type { StudyClaim, TrialStore } from './store/trial-store.js';
export { SqliteTrialStore } from './store/sqlite/sqlite-trial-store.js';
export { MemoryTrialStore } from './store/memory/memory-trial-store.js';
export type { TrialRecord, TrialResult, TrialOutcome, EpochRecord, RepeatResult, StudyRecord, StudySummary } from './store/records.js';
export type { EpochMetrics } from './core/metrics.js';
export type { TestEvaluation } from './core/run-report.js';

// Pure functions of the training side, without TensorFlow.js: a repeat's per-class scores from
// its confusion matrix, the KSG estimator, and the learning-rate schedules.
export { classificationReport, type ClassificationReport, type ClassScores } from './training/classification-report.js';
export { ksgMutualInformation } from './training/mutual-information/ksg-estimator.js';
export { labelInformation } from './training/mutual-information/label-information.js';
export { createSchedule } from './training/schedules/create-schedule.js';
export type { LearningRateSchedule, ScheduleHistory } from './training/schedules/learning-rate-schedule.js';

export { loadSweepFile, parseSweep, type LoadedSweep } from './config/load-sweep-file.js';

export { SweeperError, type SweeperErrorCode } from './errors/sweeper-error.js';
export type { ErrorFacts, ErrorReason } from './errors/error-facts.js';
export { ConfigError, type ConfigProblem } from './errors/config-error.js';
export { NotFoundError } from './errors/not-found-error.js';
export { AlreadyExistsError } from './errors/already-exists-error.js';
export { InvalidStateError } from './errors/invalid-state-error.js';
export { InvalidArgumentError } from './errors/invalid-argument-error.js';
export { StaleAttemptError } from './errors/stale-attempt-error.js';
export { DataError } from './errors/data-error.js';
export { SearchExhaustedError } from './errors/search-exhausted-error.js';
export { StoreError, type StoreFailure } from './errors/store-error.js';
