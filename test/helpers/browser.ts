import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Debian's headless-capable Chromium (`apt-get install chromium`; .ci/run installs it). */
export const CHROMIUM = process.env.SWEEPER_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why browser tests cannot run here, or undefined when they can. Only a developer's machine may
 * skip them: with CI set, a missing Chromium is a failure (the launch says what is missing), so
 * a CI run never passes by skipping the dashboard's end-to-end test.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.env.CI) return undefined;
  return `no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set SWEEPER_CHROMIUM; skipped because CI is unset`;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs Debian's chromium package; locally, apt-get install chromium`);
  // Chromium refuses its sandbox to root, as CI runs.
  return chromium.launch({ executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

/** test-output/NAME at the repository root (git-ignored), made if needed. */
export function testOutputDir(name: string): string {
  const dir = fileURLToPath(new URL(`../../../test-output/${name}/`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}
