import type { ParamSpec, SearchSpaceDefinition } from '../space/param-spec.js';
import type { TrialRecord } from '../store/records.js';
import { VEGA_LITE_SCHEMA } from './chart-format.js';

/**
 * The objective against each parameter, one panel a parameter, over the COMPLETE trials where
 * the parameter is active. Parameters are stored under p0, p1, ... because Vega-Lite reads dots
 * and brackets in a field name as paths.
 */
export function sliceSpec(space: SearchSpaceDefinition, scored: readonly { trial: TrialRecord; value: number }[], metric: string): object {
  const names = Object.keys(space);
  const rows = scored.map(({ trial, value }) => {
    const row: Record<string, string | number | boolean | null> = { trial: trial.number, value };
    names.forEach((name, i) => {
      const param = trial.params[name];
      const spec = space[name] as ParamSpec;
      row[`p${i}`] = param === undefined ? null : spec.type === 'categorical' ? String(param) : param;
    });
    return row;
  });
  const y = { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } };
  const color = { field: 'trial', type: 'quantitative', title: 'trial number', scale: { scheme: 'blues' }, legend: { format: 'd' } };
  const panels = names.map((name, i) => {
    const spec = space[name] as ParamSpec;
    const field = `p${i}`;
    const tooltip = [{ field: 'trial' }, { field, title: name }, { field: 'value', title: metric, format: '.5~g' }];
    const base = { transform: [{ filter: `datum.${field} !== null` }], width: 220, height: 180 };
    if (spec.type === 'categorical') {
      const x = { field, type: 'nominal', title: name, sort: spec.choices.map(String), axis: { labelAngle: 0 } };
      return {
        ...base,
        layer: [
          {
            mark: { type: 'point', filled: true, opacity: rows.length > 2000 ? 0.2 : 0.5, size: rows.length > 2000 ? 8 : 30 },
            encoding: { x, y, color, tooltip },
          },
          // The mean per category, so a dense column of points still reads.
          {
            mark: { type: 'tick', color: '#222', thickness: 2 },
            encoding: { x, y: { aggregate: 'mean', field: 'value', type: 'quantitative' } },
          },
        ],
      };
    }
    return {
      ...base,
      mark: { type: 'point', filled: true, opacity: rows.length > 2000 ? 0.3 : 0.6, size: rows.length > 2000 ? 8 : 30 },
      encoding: {
        x: { field, type: 'quantitative', title: spec.log ? `${name} (log)` : name, scale: spec.log ? { type: 'log' } : { zero: false } },
        y,
        color,
        tooltip,
      },
    };
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Slice plots',
      subtitle: `${metric} against each parameter (COMPLETE trials where it is active); log axes for log-scale parameters, the black tick is a category's mean`,
    },
    datasets: { trials: rows },
    data: { name: 'trials' },
    columns: 3,
    concat: panels,
    resolve: { scale: { color: 'shared' } },
  };
}
