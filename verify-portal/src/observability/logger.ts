import pino, { type DestinationStream, type Logger } from 'pino';
import { redactPaths, REDACTED, scrubText } from './redact';
import { currentRequest } from './request-context';

export type { Logger };

/** pino's levels, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** A destination that may be flushed (pino's own `SonicBoom` can). */
type Destination = DestinationStream & { flush?(callback?: (err?: Error | null) => void): void };

export interface LoggerOptions {
  level?: LogLevel;
  /** Where the JSON lines go; default stdout. Tests pass a stream that keeps them. */
  destination?: Destination;
}

/**
 * A JSON-lines logger (one object per line, for log shippers) that cannot write a secret: pino
 * redacts secret keys in the object it is given, and every finished line passes through
 * `scrubText` on its way out, so messages, bindings, error stacks and anything a later caller logs
 * are cleaned too (see redact.ts). Lines written while serving a request carry its `reqId`.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: redactPaths(), censor: REDACTED },
      serializers: { err: serializeError },
      mixin() {
        const request = currentRequest();
        return request ? { reqId: request.requestId } : {};
      },
      // `"level":"warn"` rather than pino's number: readable without pino-pretty.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Asynchronous writes keep logging off the hot path; pino flushes them when the process exits.
    scrubbed(options.destination ?? pino.destination({ dest: 1, sync: false })),
  );
}

function scrubbed(destination: Destination): Destination {
  return {
    write: (line) => destination.write(scrubText(line)),
    flush: (callback) => (destination.flush ? destination.flush(callback) : callback?.()),
  };
}

/** An error as a log field: its class, message, stack and causes (RFC-free, but bounded). */
export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  cause?: SerializedError;
}

/**
 * No other property of the error is kept: a driver's error may carry the query or the request it
 * failed on. Node's `err.code` is left out for the same reason `code` is a secret key (an OAuth
 * code); system errors repeat it in their message.
 */
export function serializeError(value: unknown, depth = 0): SerializedError {
  if (!(value instanceof Error)) return { type: typeof value, message: String(value) };
  const serialized: SerializedError = { type: value.name, message: value.message };
  if (value.stack) serialized.stack = value.stack;
  if (value.cause !== undefined && depth < 3) serialized.cause = serializeError(value.cause, depth + 1);
  return serialized;
}

/** The process's logger: JSON lines on stdout, level `info` until the server applies `LOG_LEVEL`. */
export const logger: Logger = createLogger();

/** For modules that take a `log(line)` option (outages, reconnects): one `warn` line on the process's logger. */
export function logWarning(line: string, log: Logger = logger): void {
  log.warn(line);
}

/** Where unexpected errors go (they never reach the client): one `error` line with the error. */
export function logUnexpected(err: unknown, log: Logger = logger): void {
  log.error({ err }, 'unexpected error');
}
