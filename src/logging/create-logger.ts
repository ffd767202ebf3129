import pino, { type Logger } from 'pino';
import { jsonWithoutControls } from './visible-controls.js';

export interface LoggerOptions {
  /** Append JSON lines to this file; standard error when absent. */
  readonly file?: string;
  readonly level?: pino.LevelWithSilent;
}

/**
 * pino, writing synchronously: a sweep's log must survive the process being killed, and a few
 * lines per epoch cost nothing next to training. The logger is passed down explicitly, never
 * reached through a global.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = pino.destination({ dest: options.file ?? 2, sync: true, mkdir: true, append: true });
  // Log lines carry trial parameters and errors; a terminal reading them must not act on the C1
  // controls pino leaves raw (it escapes those below 0x20). Same JSON, written synchronously.
  const stream = { write: (line: string): boolean => destination.write(jsonWithoutControls(line)) };
  return pino({ level: options.level ?? 'info', base: { pid: process.pid } }, stream);
}
