import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SecretValues } from './local-container.js';

/** One key of a Secret as `kubectl create secret` fills it: a literal, or a file's bytes. */
export type SecretEntry = { readonly key: string; readonly literal: string } | { readonly key: string; readonly file: string };

export interface SecretCommand {
  readonly name: string;
  readonly entries: readonly SecretEntry[];
}

/**
 * What `kubectl create secret generic|tls NAME ...` commands would put in the cluster, read from
 * their text (there is no cluster here): `--from-literal=KEY=VALUE`, `--from-file=[KEY=]PATH`, and
 * tls's `--cert` and `--key` (keys tls.crt and tls.key). `$VAR` and `"$VAR"` take `shell`'s values.
 */
export function parseSecretCommands(commands: readonly string[], shell: Readonly<Record<string, string>> = {}): SecretCommand[] {
  return commands.map((command) => {
    const [kubectl, create, secret, type, name, ...options] = shellWords(command, shell);
    if (kubectl !== 'kubectl' || create !== 'create' || secret !== 'secret' || name === undefined)
      throw new Error(`not a kubectl create secret command: ${command}`);
    const entries = options.map((option): SecretEntry => {
      const [flag = '', value = ''] = splitOnce(option, '=');
      if (type === 'tls' && (flag === '--cert' || flag === '--key')) return { key: flag === '--cert' ? 'tls.crt' : 'tls.key', file: value };
      if (type === 'generic' && flag === '--from-literal') {
        const [key = '', literal = ''] = splitOnce(value, '=');
        return { key, literal };
      }
      if (type === 'generic' && flag === '--from-file') {
        const [key = '', file] = splitOnce(value, '=');
        return file === undefined ? { key: basename(key), file: key } : { key, file };
      }
      throw new Error(`${command}: ${option} is not an option this test reads`);
    });
    return { name, entries };
  });
}

/** The Secrets' values, files read from `cwd` as kubectl would read them (bytes as they are). */
export function secretValues(commands: readonly SecretCommand[], cwd: string): SecretValues {
  return Object.fromEntries(
    commands.map(({ name, entries }) => [
      name,
      Object.fromEntries(
        entries.map((entry) => [entry.key, 'literal' in entry ? entry.literal : readFileSync(join(cwd, entry.file), 'utf8')]),
      ),
    ]),
  );
}

/** A command line split as sh splits it, for what these commands use: quotes and `$NAME`. */
function shellWords(command: string, shell: Readonly<Record<string, string>>): string[] {
  const words: string[] = [];
  for (const match of command.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)) {
    words.push(
      match[0].replace(
        /"([^"]*)"|'([^']*)'|([^"']+)/g,
        (_, double: string | undefined, single: string | undefined, bare: string | undefined) =>
          single !== undefined ? single : expand(double ?? bare ?? '', shell),
      ),
    );
  }
  return words;
}

function expand(text: string, shell: Readonly<Record<string, string>>): string {
  return text.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const value = shell[name];
    if (value === undefined) throw new Error(`$${name} is not set for the command`);
    return value;
  });
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}
