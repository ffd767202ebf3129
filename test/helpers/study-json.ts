import { runCli } from './cli-process.js';

/** A trial as `sweeper trials --json` prints it (the fields the cluster tests compare). */
export interface TrialJson {
  number: number;
  state: string;
  value: number | null;
  epochs: number;
}

/** An epoch as `sweeper export --epochs --format json` prints it. */
export interface EpochJson {
  number: number;
  repeat: number;
  epoch: number;
}

/** The study's trials as `sweeper trials --json` prints them, read on a connection of its own as any machine would; undefined if it failed. */
export async function trialsJson(db: string, study: string): Promise<TrialJson[] | undefined> {
  const result = await runCli(['trials', study, '--db', db, '--json']);
  return result.code === 0 ? (JSON.parse(result.stdout) as { trials: TrialJson[] }).trials : undefined;
}
