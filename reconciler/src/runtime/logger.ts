/** Structured JSON logs with pino, written to the stream the command was given (stderr). */
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A logger at `level` writing one JSON object per line to `stream`. */
export function createLogger(level: string, stream: NodeJS.WritableStream): Logger {
  if (!LOG_LEVELS.includes(level)) throw new RangeError(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(level)})`);
  return pino({ level, base: { name: 'cdk8s-batch-reconciler' } }, stream);
}

/** A logger that discards everything (tests, in-process use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
