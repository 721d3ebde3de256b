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
  // Command arguments and case references are typed by practitioners; logs use assessment ids instead.
  'arg',
  '*.arg',
  'caseRef',
  '*.caseRef',
  '*.authorization',
  '*.token',
  'accessToken',
  '*.accessToken',
  // zod issues can quote what was typed ("received '...'").
  'issues',
  '*.issues',
];

/**
 * Errors are logged by name, code, status and stack frames, never by message: messages can quote
 * input (zod's "received '...'", storage errors echoing an entity), and a cause chain is walked the same way.
 */
export function safeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const e = error as Error & { code?: unknown; statusCode?: unknown; cause?: unknown };
  const frames = (e.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12)
    .map((line) => line.trim());
  return {
    type: e.name,
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: e.code } : {}),
    ...(typeof e.statusCode === 'number' ? { statusCode: e.statusCode } : {}),
    frames,
    ...(e.cause !== undefined && depth < 3 ? { cause: safeError(e.cause, depth + 1) } : {}),
  };
}

/** Creates the structured JSON logger; write it to a stream in tests to inspect every line. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tencs' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: safeError, error: safeError },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Without a message argument pino uses the error's message as the line's msg, past redaction.
        logMethod(args, method) {
          const [first, second] = args as unknown[];
          if (typeof second === 'string' || typeof first === 'string') {
            method.apply(this, args);
            return;
          }
          if (first instanceof Error) {
            method.apply(this, [{ err: first }, 'Error']);
            return;
          }
          const event = (first as { event?: unknown } | undefined)?.event;
          method.apply(this, [first as object, typeof event === 'string' ? event : 'Log']);
        },
      },
    },
    destination ?? process.stdout,
  );
}

/**
 * A value from a request, made safe to log before it is trusted: a string is cut to `max` characters
 * and anything outside a short id charset becomes `_`; anything else is logged by its type only.
 * Unauthenticated input (a path, a 200 KB channelId) never reaches a log line unbounded.
 */
export function safeLogId(value: unknown, max = 64): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return `(${typeof value})`;
  const safe = value.slice(0, max).replace(/[^A-Za-z0-9:._@/-]/g, '_');
  return value.length > max ? `${safe}…` : safe;
}
