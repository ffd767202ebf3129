import { posix } from 'node:path';

/** One instruction of a Dockerfile, continuation lines joined. */
export interface Instruction {
  readonly keyword: string;
  readonly value: string;
  readonly line: number;
}

export interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** A COPY, its destination made absolute against the WORKDIR it runs in. */
export interface Copy {
  /** The stage it copies from, or undefined for the build context (the repository). */
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
}

/** Where a file of an image comes from: a file of the repository, or one a stage's RUN made. */
export type Origin = { readonly context: string } | { readonly madeIn: string; readonly path: string };

/** The stages of a Dockerfile, in order; comments, blank lines and parser directives dropped. */
export function parseDockerfile(text: string): Stage[] {
  const stages: { image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let joined = (lines[i] as string).trim();
    if (joined === '' || joined.startsWith('#')) continue;
    while (joined.endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = (lines[i] as string).trim();
      // Docker drops comment lines inside a continued instruction.
      if (!next.startsWith('#')) joined = `${joined.slice(0, -1).trimEnd()} ${next}`;
    }
    const [keyword = '', ...rest] = joined.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), value: rest.join(' '), line: start + 1 };
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = rest;
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (stage === undefined) throw new Error(`Dockerfile:${instruction.line}: ${instruction.keyword} before any FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

/** The instructions of a stage with this keyword. */
export function instructions(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/**
 * An ENTRYPOINT or CMD in exec form. The shell form would make /bin/sh PID 1, which does not pass
 * SIGTERM on: the drain the pods' grace periods wait for would never start.
 */
export function execForm(instruction: Instruction): string[] {
  const parsed: unknown = JSON.parse(instruction.value);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string'))
    throw new Error(`Dockerfile:${instruction.line}: ${instruction.keyword} must be in exec form (a JSON array of strings)`);
  return parsed;
}

/** The stage's WORKDIR at its end. */
export function workdir(stage: Stage): string {
  return instructions(stage, 'WORKDIR').reduce((dir, i) => posix.resolve(dir, i.value), '/');
}

/** The stage's `ENV NAME=VALUE` settings, in order. */
export function environment(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of instructions(stage, 'ENV')) {
    for (const pair of instruction.value.split(/\s+/)) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`Dockerfile:${instruction.line}: ENV must be NAME=VALUE`);
      env[pair.slice(0, at)] = pair.slice(at + 1);
    }
  }
  return env;
}

/** The stage's COPY instructions, destinations resolved against the WORKDIR of their point. */
export function copies(stage: Stage): Copy[] {
  const result: Copy[] = [];
  let dir = '/';
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'WORKDIR') dir = posix.resolve(dir, instruction.value);
    if (instruction.keyword !== 'COPY') continue;
    const words = instruction.value.split(/\s+/);
    const flags = words.filter((w) => w.startsWith('--'));
    const paths = words.filter((w) => !w.startsWith('--'));
    const destination = paths.pop();
    if (destination === undefined || paths.length === 0)
      throw new Error(`Dockerfile:${instruction.line}: COPY needs a source and a destination`);
    const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
    result.push({ from, sources: paths, destination: posix.resolve(dir, destination) });
  }
  return result;
}

/**
 * Where the file at `path` of stage `stage` comes from: followed back through the COPY that last
 * put it there, stage by stage, to the repository or to the stage whose RUN made it.
 */
export function origin(stages: readonly Stage[], stage: Stage, path: string): Origin {
  for (const copy of copies(stage).reverse()) {
    const source = sourceOf(copy, path);
    if (source === undefined) continue;
    if (copy.from === undefined) return { context: posix.normalize(source) };
    const from = stages.find((s) => s.name === copy.from);
    if (from === undefined) throw new Error(`COPY --from=${copy.from}: no stage of that name`);
    return origin(stages, from, posix.resolve('/', source));
  }
  return { madeIn: stage.name ?? stage.image, path };
}

/**
 * The path `copy` takes `path` from, if it writes it: a single source is copied onto its
 * destination (a folder's files under it), several each into the destination folder by name.
 */
function sourceOf(copy: Copy, path: string): string | undefined {
  const [only] = copy.sources;
  if (copy.sources.length === 1 && only !== undefined) {
    if (path === copy.destination) return only;
    return path.startsWith(`${copy.destination}/`) ? posix.join(only, path.slice(copy.destination.length + 1)) : undefined;
  }
  return copy.sources.find((source) => posix.join(copy.destination, posix.basename(source)) === path);
}
