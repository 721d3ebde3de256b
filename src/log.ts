import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths that may never reach a log line: tokens and anything a practitioner typed.
 * Log calls should carry ids and event names only; this is the second line of defence.
 */
const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'token',
  'text',
  'value',
  'data',
  'answers',
  'activity',
  'body',
  '*.text',
  '*.value',
  '*.data',
  '*.answers',
  '*.body',
];

/** Creates the structured JSON logger; write it to a stream in tests to inspect every line. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tencs' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? process.stdout,
  );
}
