import { VEGA_LITE_SCHEMA } from './chart-format.js';

export function importanceSpec(importance: Readonly<Record<string, number>>, metric: string): object {
  const rows = Object.entries(importance).map(([parameter, value]) => ({ parameter, importance: value }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Parameter importance',
      subtitle: `PED-ANOVA over COMPLETE trials: how much each parameter decides reaching the best 10% by ${metric}; sums to 1`,
    },
    width: 480,
    height: { step: 22 },
    data: { values: rows },
    mark: { type: 'bar', color: '#4c78a8' },
    encoding: {
      y: { field: 'parameter', type: 'nominal', sort: '-x', title: null },
      x: { field: 'importance', type: 'quantitative', title: 'importance', axis: { format: '.0%' } },
      tooltip: [{ field: 'parameter' }, { field: 'importance', format: '.3f' }],
    },
  };
}
