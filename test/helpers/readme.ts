import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

export interface CodeBlock {
  /** The fence's language (`sh`, `json`, ...), '' for none. */
  readonly lang: string;
  readonly text: string;
  /** The line of its opening fence, counted from 1. */
  readonly line: number;
  /** The heading it is under. */
  readonly section: string;
}

/** Every fenced code block of README.md, indented ones (in lists) included. */
export function readmeBlocks(): CodeBlock[] {
  const lines = readFileSync(README, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('#')) section = line.replace(/^#+\s*/, '');
    const fence = /^(\s*)```(\w*)\s*$/.exec(line);
    if (!fence) continue;
    const indent = fence[1] ?? '';
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && (lines[j] as string).trim() !== '```'; j++) body.push((lines[j] as string).slice(indent.length));
    blocks.push({ lang: fence[2] ?? '', text: body.join('\n'), line: i + 1, section });
    i = j;
  }
  return blocks;
}

export interface ReadmeCommand {
  /** The command as written (see blockCommands). */
  readonly command: string;
  readonly section: string;
}

/**
 * The commands of one block a user would type: the lines of a ```sh block, or the `$ ` lines of
 * an example of output; continuation lines joined, comments dropped, without `npx `.
 */
export function blockCommands(block: CodeBlock): string[] {
  const lines = block.lang === 'sh' ? block.text.split('\n') : block.text.split('\n').filter((line) => line.startsWith('$ ')).map((line) => line.slice(2));
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

/** Every command of README.md a user would type, with the heading it is under. */
export function readmeCommands(): ReadmeCommand[] {
  return readmeBlocks().flatMap((block) => blockCommands(block).map((command) => ({ command, section: block.section })));
}

/** The JSON examples of README.md that are whole documents (some elide parts with `...`). */
export function readmeJsonExamples(): unknown[] {
  return readmeBlocks()
    .filter((block) => block.lang === 'json')
    .flatMap((block) => {
      try {
        return [JSON.parse(block.text) as unknown];
      } catch {
        return [];
      }
    });
}

/** The cells of a box-drawn table row (`│ a │ b │`), trimmed. */
export function tableCells(row: string): string[] {
  return row
    .split('│')
    .slice(1, -1)
    .map((cell) => cell.trim());
}
