/**
 * The width tables must fit, in characters. COLUMNS, when it is a positive whole number, wins (as
 * for ls and Python's get_terminal_size: a user or a script can ask for a width, also through a
 * pipe); else the terminal's width when standard output is a terminal. Undefined otherwise: piped
 * output keeps every column, so that scripts read the same table whatever terminal ran them.
 */
export function outputWidth(
  stream: { readonly isTTY?: boolean; readonly columns?: number } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  const fromEnv = env.COLUMNS?.trim() ?? '';
  if (/^\d+$/.test(fromEnv) && Number(fromEnv) > 0) return Number(fromEnv);
  // A pseudo-terminal that was never given a size reports 0 columns.
  if (stream.isTTY === true && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  return undefined;
}
