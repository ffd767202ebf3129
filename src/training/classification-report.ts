/** Precision, recall and F1 of one class, with its number of true examples (support). */
export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface ClassificationReport {
  readonly accuracy: number;
  readonly classes: readonly ClassScores[];
  /** Unweighted means over classes, as scikit-learn's "macro avg". */
  readonly macro: Omit<ClassScores, 'support'>;
}

/**
 * Per-class scores from a confusion matrix (rows = actual class, columns = predicted), as seed
 * report 002 tabulates them. A class never predicted has precision 0, and one with no examples
 * recall 0 (scikit-learn's zero_division=0), so that the means stay defined.
 */
export function classificationReport(confusion: readonly (readonly number[])[]): ClassificationReport {
  const n = confusion.length;
  const total = confusion.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0);
  let correct = 0;
  const classes: ClassScores[] = [];
  for (let k = 0; k < n; k++) {
    const truePositives = confusion[k]?.[k] ?? 0;
    correct += truePositives;
    const support = (confusion[k] ?? []).reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((sum, row) => sum + (row[k] ?? 0), 0);
    const precision = predicted > 0 ? truePositives / predicted : 0;
    const recall = support > 0 ? truePositives / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    classes.push({ precision, recall, f1, support });
  }
  const mean = (pick: (c: ClassScores) => number): number => (n > 0 ? classes.reduce((sum, c) => sum + pick(c), 0) / n : 0);
  return {
    accuracy: total > 0 ? correct / total : 0,
    classes,
    macro: { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1) },
  };
}
