import type { PathProblem } from '../errors/path-problem.js';
import type { ParamValue, SearchSpaceDefinition } from '../space/param-spec.js';
import { convOutputSize, type ImageShape } from '../training/model-shape.js';
import { CHANNELS_SETTINGS, DEFAULT_MODEL, isSetting, MODEL_SETTINGS, WIDTH_SETTINGS, type ModelConfig } from '../training/settings.js';
import type { SweepFile } from './sweep-schema.js';

export type ModelSection = NonNullable<SweepFile['model']>;

/**
 * The model every trial starts from: the defaults, then the file's `model:` settings. A list of
 * `widths` stands for width_1, width_2, ... and sets depth to its length unless depth is given.
 */
export function modelFromSection(section: ModelSection = {}): ModelConfig {
  const { widths, ...settings } = section;
  const perLayer = Object.fromEntries((widths ?? []).map((units, index) => [WIDTH_SETTINGS[index] as string, units]));
  return { ...DEFAULT_MODEL, ...(widths && { depth: widths.length }), ...perLayer, ...settings };
}

/**
 * Settings the sweep gives (in `model:` or `space:`) that no trial would use: a width_4 when depth
 * is at most 2, channels for a sweep of MLPs, leaky_alpha without leaky_relu. They are errors,
 * not silently ignored, since they usually mean a typo or a forgotten parameter. A trial whose
 * depth is searched and comes out lower simply ignores the widths beyond it.
 */
export function modelSectionProblems(
  section: ModelSection = {},
  space: SearchSpaceDefinition = {},
  imageShape?: ImageShape,
): PathProblem[] {
  const model = modelFromSection(section);
  const problems: PathProblem[] = [];
  const fixed = (name: keyof ModelConfig): ParamValue => model[name] as ParamValue;
  /** The values a setting can take across the sweep: the space's, or the one fixed value. */
  const values = (name: keyof ModelConfig): readonly ParamValue[] | { low: number; high: number } => {
    const param = space[name];
    if (param === undefined) return [fixed(name)];
    return param.type === 'categorical' ? param.choices : { low: param.low, high: param.high };
  };
  const max = (name: 'depth' | 'conv_layers'): number => {
    const range = values(name);
    return 'high' in range ? range.high : Math.max(...range.filter((v): v is number => typeof v === 'number'));
  };
  const canBe = (name: 'architecture' | 'activation', value: string): boolean => {
    const range = values(name);
    return !('high' in range) && range.includes(value);
  };
  const describe = (name: 'architecture' | 'activation'): string =>
    space[name] ? `space.${name} never chooses` : `${name} is ${String(fixed(name))}, not`;

  const unused = (name: string): string | undefined => {
    const width = (WIDTH_SETTINGS as readonly string[]).indexOf(name) + 1;
    if (width > 0) return width > max('depth') ? `is never used: depth is at most ${max('depth')}` : undefined;
    if (CNN_SETTINGS.has(name) && !canBe('architecture', 'cnn'))
      return `is never used: it applies to CNNs, but ${describe('architecture')} cnn`;
    const block = (CHANNELS_SETTINGS as readonly string[]).indexOf(name) + 1;
    if (block > 0) return block > max('conv_layers') ? `is never used: conv_layers is at most ${max('conv_layers')}` : undefined;
    if (name === 'leaky_alpha' && !canBe('activation', 'leaky_relu')) return `is never used: ${describe('activation')} leaky_relu`;
    if (name === 'elu_alpha' && !canBe('activation', 'elu')) return `is never used: ${describe('activation')} elu`;
    return undefined;
  };
  for (const name of Object.keys(section)) {
    const message = unused(name);
    if (message) problems.push({ path: ['model', name], message });
  }
  for (const name of Object.keys(space)) {
    const message = isSetting(name) && Object.hasOwn(MODEL_SETTINGS, name) ? unused(name) : undefined;
    if (message) problems.push({ path: ['space', name], message });
  }

  const { widths } = section;
  if (widths !== undefined) {
    for (const name of WIDTH_SETTINGS) {
      if (section[name] !== undefined)
        problems.push({ path: ['model', name], message: 'cannot be given with model.widths, which sets every layer' });
    }
    if (space.depth === undefined && widths.length !== model.depth) {
      problems.push({
        path: ['model', 'widths'],
        message: `lists ${widths.length} width(s), but depth is ${model.depth}: give one width per hidden layer`,
      });
    } else if (space.depth !== undefined && widths.length < max('depth')) {
      problems.push({
        path: ['model', 'widths'],
        message: `lists ${widths.length} width(s), but space.depth reaches ${max('depth')}: give one width per hidden layer of the deepest model`,
      });
    }
  }

  // A CNN whose blocks are all fixed either fits the images or fails every trial: say so now.
  const convFixed = ['conv_layers', 'kernel', 'padding', 'pool'].every((name) => space[name] === undefined);
  if (imageShape && convFixed && canBe('architecture', 'cnn')) {
    const size = convOutputSize({ ...model, architecture: 'cnn' }, imageShape);
    const path =
      section.conv_layers !== undefined
        ? ['model', 'conv_layers']
        : section.architecture !== undefined
          ? ['model', 'architecture']
          : ['space', 'architecture'];
    if ('problem' in size) problems.push({ path, message: size.problem });
  }
  return problems;
}

const CNN_SETTINGS: ReadonlySet<string> = new Set(['conv_layers', 'channels', ...CHANNELS_SETTINGS, 'kernel', 'padding', 'pool']);
