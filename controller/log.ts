/** Structured logging. Secrets never reach the logger: only names and problems are logged. */
import { type Logger, pino } from 'pino';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.pem', '*.values', '*.data', '*["tls.key"]'], censor: '[redacted]' },
  });
}
