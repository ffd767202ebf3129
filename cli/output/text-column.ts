/** A column of a text table, its cells already formatted, one per row. */
export interface TextColumn {
  /** The name `--columns` takes: the header with `_` for spaces (`best_epoch`), or a parameter's name. */
  readonly key: string;
  /** Other names `--columns` takes for it (`params_width` for the parameter `width`). */
  readonly aliases?: readonly string[];
  readonly header: string;
  readonly cells: readonly string[];
  /** Shown at any width: rank, trial, the objective, and columns the user chose. */
  readonly keep?: boolean;
  /** To fit a narrow terminal, columns of lower priority are left out first, the rightmost first among equals. */
  readonly priority: number;
}

/** Characters a terminal gives the text: one per code point (the tables hold no wide or combining characters). */
export function displayWidth(text: string): number {
  return [...text].length;
}
