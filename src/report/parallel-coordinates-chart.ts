import type { ParamSpec, ParamValue, SearchSpaceDefinition } from '../space/param-spec.js';
import type { TrialRecord } from '../store/records.js';
import { compareBestFirst, lossSign, type Direction } from '../core/direction.js';
import { VEGA_LITE_SCHEMA, formatNumber, formatParam } from './chart-format.js';

/** Beyond this many trials the chart draws a sample (see `sampleByRank`): more lines are ink, not information. */
export const PARALLEL_MAX_LINES = 1000;
/** How many of the best trials a sample always keeps. */
const PARALLEL_KEEP_BEST = 200;
/** Where an inactive (conditional) parameter sits on its axis, below the range. */
const INACTIVE_POSITION = -0.12;

interface Scored {
  readonly trial: TrialRecord;
  readonly value: number;
}

/**
 * At most `limit` trials: the best `keepBest`, then evenly spaced ranks of the rest, so the
 * spread of the objective is kept and the sample is the same on every run (no randomness).
 */
export function sampleByRank(
  scored: readonly Scored[],
  direction: Direction,
  limit = PARALLEL_MAX_LINES,
  keepBest = PARALLEL_KEEP_BEST,
): Scored[] {
  if (scored.length <= limit) return [...scored];
  const ranked = [...scored].sort((a, b) => compareBestFirst(a.value, b.value, direction) || a.trial.number - b.trial.number);
  const kept = ranked.slice(0, keepBest);
  const rest = ranked.slice(keepBest);
  const slots = limit - keepBest;
  for (let i = 0; i < slots; i++) {
    const row = rest[Math.floor((i * rest.length) / slots)];
    if (row) kept.push(row);
  }
  return kept.sort((a, b) => a.trial.number - b.trial.number);
}

/** A parameter value's place on its axis, in [0, 1]: log axes for log-scale parameters, categories evenly spaced. */
export function axisPosition(spec: ParamSpec, value: ParamValue): number {
  if (spec.type === 'categorical') {
    const index = spec.choices.findIndex((c) => c === value);
    return spec.choices.length > 1 ? index / (spec.choices.length - 1) : 0.5;
  }
  const v = Number(value);
  const [low, high, x] = spec.log ? [Math.log(spec.low), Math.log(spec.high), Math.log(v)] : [spec.low, spec.high, v];
  return high > low ? (x - low) / (high - low) : 0.5;
}

function axisTicks(spec: ParamSpec): { position: number; label: string }[] {
  if (spec.type === 'categorical') return spec.choices.map((c) => ({ position: axisPosition(spec, c), label: formatParam(c) }));
  const mid = spec.log ? Math.sqrt(spec.low * spec.high) : (spec.low + spec.high) / 2;
  return [spec.low, mid, spec.high].map((v) => ({ position: axisPosition(spec, v), label: formatNumber(v) }));
}

export function parallelCoordinatesSpec(
  space: SearchSpaceDefinition,
  scored: readonly Scored[],
  metric: string,
  direction: Direction,
): object {
  const shown = sampleByRank(scored, direction);
  const names = Object.keys(space);
  const axes = [...names, metric];
  const values = shown.map((s) => s.value);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const objectivePosition = (v: number): number => (high > low ? (v - low) / (high - low) : 0.5);

  const lines: object[] = [];
  for (const { trial, value } of shown) {
    for (const name of names) {
      const spec = space[name] as ParamSpec;
      const param = trial.params[name];
      lines.push(
        param === undefined
          ? { trial: trial.number, axis: name, position: INACTIVE_POSITION, label: 'inactive', objective: value }
          : { trial: trial.number, axis: name, position: axisPosition(spec, param), label: formatParam(param), objective: value },
      );
    }
    lines.push({ trial: trial.number, axis: metric, position: objectivePosition(value), label: formatNumber(value), objective: value });
  }
  const ticks: object[] = [];
  for (const name of names) {
    const spec = space[name] as ParamSpec;
    for (const tick of axisTicks(spec)) ticks.push({ axis: name, ...tick });
    if (spec.when) ticks.push({ axis: name, position: INACTIVE_POSITION, label: 'inactive' });
  }
  for (const v of high > low ? [low, (low + high) / 2, high] : [low])
    ticks.push({ axis: metric, position: objectivePosition(v), label: formatNumber(v) });

  const subtitle = [
    `${names.length} parameter(s) and ${metric}; each line a COMPLETE trial, coloured by ${metric}`,
    shown.length < scored.length
      ? `${shown.length} of ${scored.length} trials drawn: the best ${PARALLEL_KEEP_BEST} and evenly spaced ranks of the rest`
      : '',
  ].filter((s) => s !== '');
  const x = {
    field: 'axis',
    type: 'nominal',
    sort: axes,
    title: null,
    axis: { orient: 'top', labelAngle: 0, domain: false, ticks: false },
  };
  const y = { field: 'position', type: 'quantitative', axis: null, scale: { domain: [INACTIVE_POSITION - 0.03, 1.02] } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Parallel coordinates', subtitle },
    width: Math.max(480, 120 * axes.length),
    height: 320,
    layer: [
      {
        data: { values: lines },
        mark: { type: 'line', strokeWidth: 1, opacity: shown.length > 200 ? 0.35 : 0.7 },
        encoding: {
          x,
          y,
          detail: { field: 'trial', type: 'nominal' },
          color: {
            field: 'objective',
            type: 'quantitative',
            title: metric,
            scale: { scheme: 'viridis', reverse: lossSign(direction) === 1 },
          },
          tooltip: [
            { field: 'trial' },
            { field: 'axis' },
            { field: 'label', title: 'value' },
            { field: 'objective', title: metric, format: '.5~g' },
          ],
        },
      },
      {
        data: { values: axes.map((axis) => ({ axis })) },
        mark: { type: 'rule', color: '#999' },
        encoding: { x, y: { datum: 0, type: 'quantitative', scale: y.scale, axis: null }, y2: { datum: 1 } },
      },
      {
        data: { values: ticks },
        mark: { type: 'text', align: 'right', dx: -4, fontSize: 9, color: '#333' },
        encoding: { x, y, text: { field: 'label', type: 'nominal' } },
      },
    ],
  };
}
