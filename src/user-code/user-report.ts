import { METRIC_FIELDS, METRIC_NAME, type EpochMetrics, type MetricName } from '../core/metrics.js';
import type { EpochReport } from '../core/run-report.js';

/** Snake_case names a user's code may report for the fields of EpochMetrics besides METRIC_FIELDS. */
const OTHER_FIELDS = { learning_rate: 'learningRate', epoch_seconds: 'epochSeconds', mutual_information: 'mutualInformation' } as const;
/** Metrics in [0, 1]: an accuracy of 91 is a percentage, and the store would refuse it later. */
const FRACTIONS: ReadonlySet<string> = new Set(['train_accuracy', 'val_accuracy']);
/** Metrics that cannot be negative. */
const NON_NEGATIVE: ReadonlySet<string> = new Set(['train_loss', 'val_loss', 'learning_rate', 'epoch_seconds']);
/** More metrics than this in one report is a program printing something else. */
export const MAX_METRICS_PER_REPORT = 64;

/**
 * Checks one epoch report from a user's program or module against the run so far: epochs count
 * 1, 2, 3... without gaps or repeats (the store keys curves by epoch), every metric a finite
 * number under a METRIC_NAME, at most `maxEpochs` epochs. Returns the report, or a problem a
 * user can act on (the run then fails with it).
 */
export function checkUserReport(
  epoch: unknown,
  metrics: Readonly<Record<string, unknown>>,
  lastEpoch: number,
  maxEpochs: number | undefined,
): { report: EpochReport } | { problem: string } {
  if (epoch === undefined) return { problem: 'epoch is required in every report line (a whole number from 1), but the line has none' };
  if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 1)
    return { problem: `epoch must be a whole number from 1, but got ${show(epoch)}` };
  if (epoch <= lastEpoch)
    return { problem: `epoch ${epoch} was reported ${epoch === lastEpoch ? 'twice' : `after epoch ${lastEpoch} (backwards)`}` };
  if (epoch !== lastEpoch + 1)
    return { problem: `epoch ${epoch} was reported after epoch ${lastEpoch}: epochs count 1, 2, 3 without gaps` };
  if (maxEpochs !== undefined && epoch > maxEpochs) return { problem: `epoch ${epoch} is beyond the task's ${maxEpochs} epochs` };
  const names = Object.keys(metrics);
  if (names.length === 0) return { problem: `epoch ${epoch} has no metric` };
  if (names.length > MAX_METRICS_PER_REPORT)
    return { problem: `epoch ${epoch} has ${names.length} metrics, more than ${MAX_METRICS_PER_REPORT}` };
  const out: Record<string, number> = {};
  const extra: Record<string, number> = {};
  for (const name of names) {
    const value = metrics[name];
    if (!METRIC_NAME.test(name))
      return { problem: `${show(name)} is not a metric name (lower-case letters, digits and underscores, from a letter)` };
    if (typeof value !== 'number') return { problem: `${name} must be a number, but got ${show(value)}` };
    if (!Number.isFinite(value)) return { problem: `${name} is ${value} at epoch ${epoch}` };
    if (FRACTIONS.has(name) && (value < 0 || value > 1))
      return { problem: `${name} must be a fraction in [0, 1], but got ${value} at epoch ${epoch}` };
    if (NON_NEGATIVE.has(name) && value < 0) return { problem: `${name} must be >= 0, but got ${value} at epoch ${epoch}` };
    const field = METRIC_FIELDS[name as MetricName] ?? (OTHER_FIELDS as Record<string, keyof EpochMetrics | undefined>)[name];
    if (field !== undefined) out[field] = value;
    else extra[name] = value;
  }
  const report: EpochMetrics = { ...out, ...(Object.keys(extra).length > 0 && { extra }) };
  return { report: { epoch, metrics: report } };
}

/** A value for a message, short whatever the program sent. */
function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
