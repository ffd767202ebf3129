/** One option as a `--help` page lists it. */
export interface HelpOption {
  /** `--lease-timeout` */
  readonly name: string;
  /** `<seconds>`, or '' for a flag. */
  readonly placeholder: string;
  /** The description with commander's `(choices: ..., default: ..., env: ...)` note, on one line. */
  readonly text: string;
  /** What `(default: X)` shows, as printed (`15`, `"./sweeper.db"`), if anything. */
  readonly default?: string;
  /** The environment variable `(env: NAME)` names, if any. */
  readonly env?: string;
}

/** The options of a commander help page, by long name: continuation lines joined, whitespace collapsed. */
export function helpOptions(help: string): Map<string, HelpOption> {
  const section = help.split(/^Options:\n/m)[1] ?? '';
  const entries: string[] = [];
  for (const line of section.split('\n')) {
    if (/^ {2}-/.test(line)) entries.push(line.trim());
    else if (/^ {3,}\S/.test(line) && entries.length > 0) entries[entries.length - 1] += ` ${line.trim()}`;
  }
  const options = new Map<string, HelpOption>();
  for (const entry of entries) {
    const match = /^(?:-\w, )?(--[\w-]+)(?: (<[^>]+>|\[[^\]]+\]))?\s+(.*)$/.exec(entry);
    if (!match) continue;
    const [, name = '', placeholder = '', text = ''] = match;
    const note = /\(([^()]*)\)$/.exec(text)?.[1] ?? '';
    const fallback = /(?:^|, )default: (.*?)(?:, env: \w+)?$/.exec(note)?.[1];
    const env = /(?:^|, )env: (\w+)$/.exec(note)?.[1];
    options.set(name, { name, placeholder, text, ...(fallback !== undefined && { default: fallback }), ...(env !== undefined && { env }) });
  }
  return options;
}
