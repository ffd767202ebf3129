import type { ParamSpec, SearchSpaceDefinition } from '../space/param-spec.js';
import type { ScheduleStep } from '../store/segments.js';
import { VEGA_LITE_SCHEMA } from './chart-format.js';

/** A PBT member's schedule, as the report reads it. */
export interface MemberSchedule {
  readonly trial: number;
  readonly steps: readonly ScheduleStep[];
}

interface ScheduleRow {
  readonly member: string;
  /** The parameter's index in the space (its name is the panel's title: Vega-Lite reads dots in a field name as paths). */
  readonly param: number;
  readonly epoch: number;
  readonly value: number | string;
  /** "trial P": the member whose state it went on from at this epoch (exploit); null otherwise. */
  readonly from: string | null;
}

/**
 * Population Based Training's schedules: per explored parameter, each member's value over the
 * epochs (a step line), with a mark where it went on from another member's state.
 */
export function pbtScheduleSpec(space: SearchSpaceDefinition, schedules: readonly MemberSchedule[]): object {
  const names = Object.keys(space);
  const rows: ScheduleRow[] = [];
  for (const { trial, steps } of schedules) {
    const member = `trial ${trial}`;
    names.forEach((name, param) => {
      steps.forEach((step, index) => {
        const value = step.params[name];
        if (value === undefined) return;
        const shown = typeof value === 'number' ? value : String(value);
        rows.push({ member, param, epoch: step.fromEpoch, value: shown, from: step.parent === undefined ? null : `trial ${step.parent}` });
        // The last step's line runs to its last epoch.
        if (index === steps.length - 1 && step.toEpoch !== undefined && step.toEpoch > step.fromEpoch)
          rows.push({ member, param, epoch: step.toEpoch, value: shown, from: null });
      });
    });
  }
  const color = { field: 'member', type: 'nominal', title: 'member' };
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } };
  const panels = names.map((name, param) => {
    const spec = space[name] as ParamSpec;
    const y =
      spec.type === 'categorical'
        ? { field: 'value', type: 'ordinal', title: name, sort: spec.choices.map(String) }
        : { field: 'value', type: 'quantitative', title: name, scale: spec.log ? { type: 'log' } : { zero: false } };
    const tooltip = [{ field: 'member' }, { field: 'epoch' }, { field: 'value', title: name }, { field: 'from', title: 'went on from' }];
    return {
      transform: [{ filter: `datum.param === ${param}` }],
      width: 300,
      height: 200,
      layer: [
        { mark: { type: 'line', interpolate: 'step-after' }, encoding: { x, y, color, tooltip } },
        {
          transform: [{ filter: 'datum.from !== null' }],
          mark: { type: 'point', filled: true, size: 40 },
          encoding: { x, y, color, tooltip },
        },
      ],
    };
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Population Based Training: schedules',
      subtitle: "each member's parameters over its epochs; a dot where it went on from a better member's state (exploit)",
    },
    data: { values: rows },
    hconcat: panels,
  };
}
