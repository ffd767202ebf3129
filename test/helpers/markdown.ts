import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root (this file runs from dist/test/helpers/). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The documentation: README.md and every docs/*.md, as paths from the repository's root. */
export function docPages(): string[] {
  const docs = readdirSync(join(REPO, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** A page's text; `page` is a path from the repository's root, such as `docs/cli.md`. */
export function pageText(page: string): string {
  return readFileSync(join(REPO, page), 'utf8');
}

export interface CodeBlock {
  /** The page it is on, from the repository's root. */
  readonly page: string;
  /** The fence's language (`sh`, `json`, ...), '' for none. */
  readonly lang: string;
  readonly text: string;
  /** The line of its opening fence, counted from 1. */
  readonly line: number;
  /** The heading it is under. */
  readonly section: string;
}

/** A fence: its indentation and language. */
const FENCE = /^(\s*)```(\w*)\s*$/;

/** Every fenced code block of a page, indented ones (in lists) included; `text` replaces the file's. */
export function pageBlocks(page: string, text = pageText(page)): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('#')) section = line.replace(/^#+\s*/, '');
    const fence = FENCE.exec(line);
    if (!fence) continue;
    const indent = fence[1] ?? '';
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && (lines[j] as string).trim() !== '```'; j++) body.push((lines[j] as string).slice(indent.length));
    blocks.push({ page, lang: fence[2] ?? '', text: body.join('\n'), line: i + 1, section });
    i = j;
  }
  return blocks;
}

/** The blocks of `page` under the heading `section`, in language `lang`. */
export function sectionBlocks(page: string, section: string, lang?: string): CodeBlock[] {
  return pageBlocks(page).filter((b) => b.section === section && (lang === undefined || b.lang === lang));
}

export interface PageCommand {
  /** The command as written (see blockCommands). */
  readonly command: string;
  readonly page: string;
  readonly section: string;
}

/**
 * The commands of one block a user would type: the lines of a ```sh block, or the `$ ` lines of
 * an example of output; continuation lines joined, comments dropped, without `npx `.
 */
export function blockCommands(block: Pick<CodeBlock, 'lang' | 'text'>): string[] {
  const lines =
    block.lang === 'sh'
      ? block.text.split('\n')
      : block.text
          .split('\n')
          .filter((line) => line.startsWith('$ '))
          .map((line) => line.slice(2));
  const commands: string[] = [];
  let pending = '';
  for (const raw of lines) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (line.trim() === '') continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    commands.push(`${pending}${line.trim()}`.replace(/^npx /, ''));
    pending = '';
  }
  return commands;
}

/** Every command of a page a user would type, with the heading it is under. */
export function pageCommands(page: string, text?: string): PageCommand[] {
  return pageBlocks(page, text).flatMap((block) => blockCommands(block).map((command) => ({ command, page, section: block.section })));
}

/** The JSON examples of a page that are whole documents (some elide parts with `...`). */
export function jsonExamples(page: string): unknown[] {
  return pageBlocks(page)
    .filter((block) => block.lang === 'json')
    .flatMap((block) => {
      try {
        return [JSON.parse(block.text) as unknown];
      } catch {
        return [];
      }
    });
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces made hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The lines of a page outside its fenced code blocks, with their numbers (from 1). */
function proseLines(text: string): { line: string; number: number }[] {
  const prose: { line: string; number: number }[] = [];
  let inBlock = false;
  text.split('\n').forEach((line, i) => {
    if (inBlock) {
      if (line.trim() === '```') inBlock = false;
      return;
    }
    if (FENCE.test(line)) inBlock = true;
    else prose.push({ line, number: i + 1 });
  });
  return prose;
}

/** The anchors of a page's headings, a repeated one numbered as GitHub does (`-1`, `-2`). */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { line } of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const anchor = headingAnchor(heading[1] ?? '');
    const count = seen.get(anchor) ?? 0;
    anchors.add(count === 0 ? anchor : `${anchor}-${count}`);
    seen.set(anchor, count + 1);
  }
  return anchors;
}

export interface Link {
  /** As written: `docs/cli.md#json-output`, `#glossary`. */
  readonly target: string;
  readonly line: number;
}

/** The relative links of a page's prose (`[text](target)`); links with a scheme (`https:`) are left out. */
export function relativeLinks(text: string): Link[] {
  const links: Link[] = [];
  for (const { line, number } of proseLines(text)) {
    // Inline code is not a link; a link's text may be code, which leaves `[](target)`.
    const prose = line.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const target = match[1] ?? '';
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ target, line: number });
    }
  }
  return links;
}

/**
 * What is wrong with each relative link of `page` (`text` replaces the file's): a file that does
 * not exist, or an anchor that no heading of its page has. Empty when every link holds.
 */
export function brokenLinks(page: string, text = pageText(page)): string[] {
  const problems: string[] = [];
  for (const { target, line } of relativeLinks(text)) {
    const [path = '', anchor] = target.split('#', 2);
    const file = path === '' ? page : normalize(join(dirname(page), decodeURI(path)));
    const where = `${page}:${line}: ${target}`;
    if (relative(REPO, join(REPO, file)).startsWith('..')) {
      problems.push(`${where}: outside the repository`);
      continue;
    }
    if (path !== '' && !existsSync(join(REPO, file))) {
      problems.push(`${where}: no file ${file}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!file.endsWith('.md')) problems.push(`${where}: an anchor into ${file}, which is not markdown`);
    else if (!headingAnchors(file === page ? text : pageText(file)).has(anchor))
      problems.push(`${where}: no heading of ${file} has the anchor #${anchor}`);
  }
  return problems;
}

/** The cells of a box-drawn table row (`│ a │ b │`), trimmed. */
export function tableCells(row: string): string[] {
  return row
    .split('│')
    .slice(1, -1)
    .map((cell) => cell.trim());
}
