import type { TestEvaluation } from '../../src/core/run-report.js';

/**
 * The optional `{"final": {...}}` line as a TestEvaluation, or a problem. It has no `confusion`:
 * a program does not report one (and the store keeps the same whether the run was local or
 * came over the wire, which carries none).
 */
export function finalEvaluation(
  final: Readonly<Record<string, unknown>>,
  lastEpoch: number,
): { test: TestEvaluation } | { problem: string } {
  const { test_accuracy: accuracy, test_loss: loss, epoch = lastEpoch } = final;
  if (typeof accuracy !== 'number' || !Number.isFinite(accuracy) || accuracy < 0 || accuracy > 1)
    return { problem: `final.test_accuracy must be a fraction in [0, 1], but got ${String(accuracy)}` };
  if (typeof loss !== 'number' || !Number.isFinite(loss) || loss < 0)
    return { problem: `final.test_loss must be a number >= 0, but got ${String(loss)}` };
  if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 1 || epoch > lastEpoch)
    return { problem: `final.epoch must be a reported epoch (1 to ${lastEpoch}), but got ${String(epoch)}` };
  return { test: { epoch, loss, accuracy } };
}
