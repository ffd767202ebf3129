/** The value a parameter takes in one trial. */
export type ParamValue = string | number | boolean;

/** A trial's parameters, by name; only the parameters active in that trial are present. */
export type ParamValues = Readonly<Record<string, ParamValue>>;

/**
 * When a parameter exists: every named parameter must be active and take one of the listed
 * values, e.g. `{ optimizer: ['adam'] }` for `beta1`.
 */
export type Condition = Readonly<Record<string, readonly ParamValue[]>>;

interface ParamBase {
  readonly when?: Condition;
}

export interface FloatParam extends ParamBase {
  readonly type: 'float';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** Values are low + k * step; absent means continuous. */
  readonly step?: number;
}

export interface IntParam extends ParamBase {
  readonly type: 'int';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly step: number;
}

export interface CategoricalParam extends ParamBase {
  readonly type: 'categorical';
  readonly choices: readonly ParamValue[];
}

export type ParamSpec = FloatParam | IntParam | CategoricalParam;

/** The normalised search space: the one definition shared by sweep files, the API and the store. */
export type SearchSpaceDefinition = Readonly<Record<string, ParamSpec>>;
