import type { PathProblem } from '../errors/path-problem.js';
import type { SearchSpaceInput } from './space-schema.js';
import type { Condition, ParamSpec, ParamValue, SearchSpaceDefinition } from './param-spec.js';
import { STEP_TOLERANCE, valueProblem } from './value-problem.js';

/**
 * Checks the relations between fields of a structurally valid space and normalises it
 * (defaults filled in, conditions as lists). Returns every problem, not just the first.
 */
export function checkSearchSpace(input: SearchSpaceInput): {
  space?: SearchSpaceDefinition;
  problems: PathProblem[];
} {
  const problems: PathProblem[] = [];
  const space: Record<string, ParamSpec> = {};
  for (const [name, param] of Object.entries(input)) {
    const report = (field: string | null, message: string): void => {
      problems.push({ path: field === null ? [name] : [name, field], message });
    };
    const when = param.when === undefined ? undefined : normaliseCondition(param.when);
    switch (param.type) {
      case 'float': {
        const log = param.log ?? false;
        checkBounds(param.low, param.high, log, report);
        if (param.step !== undefined) {
          if (log) report('step', 'cannot be combined with log: true (a log scale has no fixed step)');
          else checkStepDivides(param.low, param.high, param.step, report);
        }
        space[name] = {
          type: 'float',
          low: param.low,
          high: param.high,
          log,
          ...(param.step !== undefined && { step: param.step }),
          ...(when && { when }),
        };
        break;
      }
      case 'int': {
        const log = param.log ?? false;
        const step = param.step ?? 1;
        checkBounds(param.low, param.high, log, report);
        if (log && step !== 1) report('step', `must be 1 with log: true, but got ${step}`);
        else checkStepDivides(param.low, param.high, step, report);
        space[name] = { type: 'int', low: param.low, high: param.high, log, step, ...(when && { when }) };
        break;
      }
      case 'categorical': {
        const seen = new Set<ParamValue>();
        param.choices.forEach((choice, index) => {
          if (seen.has(choice)) problems.push({ path: [name, 'choices', index], message: `duplicate choice ${JSON.stringify(choice)}` });
          seen.add(choice);
        });
        space[name] = { type: 'categorical', choices: [...param.choices], ...(when && { when }) };
        break;
      }
    }
  }
  checkConditions(space, problems);
  if (problems.length === 0) findConditionCycle(space, problems);
  return problems.length === 0 ? { space, problems } : { problems };
}

function checkBounds(low: number, high: number, log: boolean, report: (field: string, message: string) => void): void {
  if (low >= high) report('low', `must be < high (${high}), but got ${low}`);
  if (log && low <= 0) report('low', `must be > 0 for a log-scale parameter, but got ${low}`);
}

function checkStepDivides(low: number, high: number, step: number, report: (field: string, message: string) => void): void {
  const count = (high - low) / step;
  if (Math.abs(count - Math.round(count)) > STEP_TOLERANCE * Math.max(1, Math.abs(count))) {
    report('step', `must divide high - low (${high - low}) into whole steps, but got ${step}`);
  }
}

function normaliseCondition(when: Readonly<Record<string, ParamValue | readonly ParamValue[]>>): Condition {
  const condition: Record<string, readonly ParamValue[]> = {};
  for (const [parent, allowed] of Object.entries(when)) {
    condition[parent] = Array.isArray(allowed) ? [...(allowed as readonly ParamValue[])] : [allowed as ParamValue];
  }
  return condition;
}

function checkConditions(space: Readonly<Record<string, ParamSpec>>, problems: PathProblem[]): void {
  const names = Object.keys(space);
  for (const [name, param] of Object.entries(space)) {
    for (const [parent, allowed] of Object.entries(param.when ?? {})) {
      const path = [name, 'when', parent];
      const parentParam = space[parent];
      if (parent === name) {
        problems.push({ path, message: 'a parameter cannot be conditional on itself' });
      } else if (parentParam === undefined) {
        const others = names.filter((n) => n !== name);
        const expected = others.length > 0 ? `expected one of: ${others.join(', ')}` : 'the space has no other parameter';
        problems.push({ path, message: `refers to a parameter that is not in the space (${expected})` });
      } else {
        allowed.forEach((value, index) => {
          if (valueProblem(parentParam, value) !== undefined) {
            problems.push({
              path: allowed.length > 1 ? [...path, index] : path,
              message: `${parent} never takes the value ${JSON.stringify(value)} (${describeValues(parentParam)})`,
            });
          }
        });
      }
    }
  }
}

function describeValues(param: ParamSpec): string {
  if (param.type === 'categorical') return `its choices are ${param.choices.map((c) => JSON.stringify(c)).join(', ')}`;
  const onGrid = param.step !== undefined && !(param.type === 'int' && param.step === 1) ? `${param.low} + k * ${param.step} ` : '';
  return `its values are ${onGrid}in [${param.low}, ${param.high}]`;
}

function findConditionCycle(space: Readonly<Record<string, ParamSpec>>, problems: PathProblem[]): void {
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, chain: string[]): boolean => {
    if (done.has(name)) return false;
    if (visiting.has(name)) {
      problems.push({ path: [name, 'when'], message: `conditions form a cycle: ${[...chain, name].join(' -> ')}` });
      return true;
    }
    visiting.add(name);
    for (const parent of Object.keys(space[name]?.when ?? {})) {
      if (visit(parent, [...chain, name])) return true;
    }
    visiting.delete(name);
    done.add(name);
    return false;
  };
  for (const name of Object.keys(space)) if (visit(name, [])) return;
}
