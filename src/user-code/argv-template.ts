import type { ParamValue, ParamValues, SearchSpaceDefinition } from '../space/param-spec.js';

/**
 * `${name}` in an argument is the trial's value of parameter `name`; `${name?}` is the same, but
 * when the trial has no such parameter (a conditional one that is inactive) the argument is
 * dropped, and so is the literal flag before it (an argument starting with "-" that holds no
 * template): `[--beta1, "${beta1?}"]` becomes nothing for an SGD trial, `--beta1=${beta1?}` too.
 * `$${` is a literal `${`. Values are written as JSON writes them (0.001, 64, true, relu).
 */
const TEMPLATE = /\$\$\{|\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface TemplateUse {
  readonly name: string;
  readonly optional: boolean;
}

/** The parameters an argument names; throws on a malformed template, naming what is wrong. */
export function templateUses(argument: string): TemplateUse[] {
  const uses: TemplateUse[] = [];
  for (const match of argument.matchAll(TEMPLATE)) {
    const inner = match[1];
    if (inner === undefined) continue;
    const optional = inner.endsWith('?');
    const name = optional ? inner.slice(0, -1) : inner;
    if (!NAME.test(name)) throw new Error(`"\${${inner}}" is not a template: expected \${name} or \${name?} with a parameter name`);
    uses.push({ name, optional });
  }
  if (/\$\{(?![^}]*\})/.test(argument.replaceAll('$${', '')))
    throw new Error('has "${" without a closing "}" (write $${ for a literal ${)');
  return uses;
}

/**
 * Problems with `argv`'s templates against the space, by argument index: a name that is not a
 * parameter, or a conditional parameter used without `?` (its runs would have no value to give).
 */
export function argvProblems(argv: readonly string[], space: SearchSpaceDefinition): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  const names = Object.keys(space);
  argv.forEach((argument, index) => {
    let uses: TemplateUse[];
    try {
      uses = templateUses(argument);
    } catch (error) {
      problems.push({ index, message: (error as Error).message });
      return;
    }
    for (const { name, optional } of uses) {
      const param = space[name];
      if (param === undefined)
        problems.push({ index, message: `names "${name}", which is not a parameter of the space (expected one of: ${names.join(', ')})` });
      else if (param.when !== undefined && !optional)
        problems.push({
          index,
          message: `names "${name}", which only some trials have (it has a "when"): write \${${name}?} to drop the argument, and its flag, for trials without it`,
        });
    }
  });
  return problems;
}

/** The arguments of one run: templates filled with `params`. Throws if a required value is missing. */
export function expandArgv(argv: readonly string[], params: ParamValues): string[] {
  const out: string[] = [];
  // Where each kept argument came from, so that a dropped template can take its flag with it.
  let lastWasFlag = false;
  for (const argument of argv) {
    const uses = templateUses(argument);
    const missing = uses.filter((use) => !(use.name in params));
    if (missing.some((use) => !use.optional))
      throw new Error(`argument "${argument}" needs parameter "${missing[0]?.name}", which this trial does not have`);
    if (missing.length > 0) {
      // An optional value is absent: drop this argument, and a bare flag just before it.
      if (lastWasFlag) out.pop();
      lastWasFlag = false;
      continue;
    }
    out.push(
      argument.replace(TEMPLATE, (whole, inner: string | undefined) =>
        inner === undefined ? '${' : formatValue(params[inner.replace(/\?$/, '')]),
      ),
    );
    lastWasFlag = uses.length === 0 && argument.startsWith('-');
  }
  return out;
}

function formatValue(value: ParamValue | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
