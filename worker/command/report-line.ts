/** What one line on fd 3 says: an epoch, the final test evaluation, or a problem. */
export type ReportLine =
  | { readonly kind: 'epoch'; readonly epoch: unknown; readonly metrics: Readonly<Record<string, unknown>> }
  | { readonly kind: 'final'; readonly final: Readonly<Record<string, unknown>> }
  | { readonly kind: 'problem'; readonly problem: string };

/**
 * Python's json.dumps writes NaN and infinities bare, which JSON.parse refuses. A program that
 * reports a NaN loss should fail with "val_loss is NaN at epoch 3", not "malformed JSON", so such
 * tokens (outside strings, as values) are read as numbers once the strict parse has failed.
 */
const BARE_NON_FINITE = /("(?:[^"\\]|\\.)*")|(-?Infinity|NaN)/g;
const MARK = '\u0000sweeper-non-finite:';

function parseLenient(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    if (!/NaN|Infinity/.test(line)) throw error;
    const marked = line.replace(BARE_NON_FINITE, (whole, quoted: string | undefined, token: string | undefined) =>
      quoted !== undefined ? whole : JSON.stringify(MARK + String(token)),
    );
    return JSON.parse(marked, (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(MARK) ? Number(value.slice(MARK.length)) : value,
    );
  }
}

/** Reads one line a program wrote to fd 3 (see docs/own-code.md). */
export function parseReportLine(line: string): ReportLine {
  const text = line.trim();
  let value: unknown;
  try {
    value = parseLenient(text);
  } catch {
    return { kind: 'problem', problem: `a report line must be a JSON object, but got ${preview(text)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { kind: 'problem', problem: `a report line must be a JSON object, but got ${preview(text)}` };
  const record = value as Record<string, unknown>;
  if ('final' in record) {
    const final = record.final;
    if (typeof final !== 'object' || final === null || Array.isArray(final))
      return {
        kind: 'problem',
        problem: `"final" must be an object like {"test_accuracy": 0.9, "test_loss": 0.3, "epoch": 7}, but got ${preview(JSON.stringify(final) ?? String(final))}`,
      };
    return { kind: 'final', final: final as Record<string, unknown> };
  }
  const { epoch, ...metrics } = record;
  return { kind: 'epoch', epoch, metrics };
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
