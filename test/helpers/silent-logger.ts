import pino, { type Logger } from 'pino';

/** A real pino logger that drops everything: tests assert on the store, not on log lines. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
