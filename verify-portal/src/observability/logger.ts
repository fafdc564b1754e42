import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactPaths, REDACTED, scrubText, SECRET_KEYS } from './redact';
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
      timestamp: () => `,"time":${isoTimeNow()}`,
    },
    // Asynchronous writes keep logging off the hot path; pino flushes them when the process exits.
    scrubbed(options.destination ?? pino.destination({ dest: 1, sync: false })),
  );
}

/** The destination under the scrubbing wrapper, for lines scrubbed field by field (`writeFields`). */
const UNSCRUBBED = Symbol('pairgate.unscrubbedDestination');

function scrubbed(destination: Destination): Destination & { [UNSCRUBBED]: Destination } {
  return {
    write: (line) => destination.write(scrubText(line)),
    flush: (callback) => (destination.flush ? destination.flush(callback) : callback?.()),
    [UNSCRUBBED]: destination,
  };
}

/**
 * `"<ISO 8601 time>"` (JSON-quoted), made once per millisecond: at thousands of lines a second,
 * most lines share their millisecond with the one before, and formatting a date is a measurable
 * part of a line.
 */
let timeMs = -1;
let timeJson = '';
function isoTimeNow(): string {
  const now = Date.now();
  if (now !== timeMs) {
    timeMs = now;
    timeJson = `"${new Date(now).toISOString()}"`;
  }
  return timeJson;
}

/** A key whose value is a secret: one of `SECRET_KEYS`, or one ending in one (the line scrub's `"…password":` rule). */
const SECRET_KEY = new RegExp(`(?:${SECRET_KEYS.map((k) => k.replace(/[-]/g, '\\-')).join('|')})$`, 'i');

/** Each key's `,"key":` and whether its value is a secret, worked out once: the same few keys come every time. */
const keys = new Map<string, { prefix: string; secret: boolean }>();
function keyOf(key: string): { prefix: string; secret: boolean } {
  let known = keys.get(key);
  if (!known) {
    known = { prefix: `,${JSON.stringify(key)}:`, secret: SECRET_KEY.test(key) };
    if (keys.size < 1_000) keys.set(key, known);
  }
  return known;
}

/** `JSON.stringify(value)` for a string, without the call when nothing in it needs escaping (printable ASCII but `"` and `\`). */
function jsonString(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(value);
  }
  return `"${value}"`;
}

/** pino's default `base`, written by `writeFields` as pino writes it. */
const BASE = `"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;

/**
 * Writes one line of flat `fields` (strings, numbers, booleans; undefined ones left out) and
 * `msg`, exactly as `log[level](fields, msg)` would, for the access log's line per request
 * (access-log.ts). pino's formatting, its key redaction and the scrub of the whole finished
 * line cost about 15 µs a line, more than the work of a pending token poll; here each value is
 * scrubbed on its own (as it appears in the line, JSON-encoded), and a value under a secret key
 * is replaced whatever it is. Nothing the whole-line scrub would catch can span two values:
 * every pattern stops at the quotes around a JSON string. Loggers not made by `createLogger`
 * (a child, a test double) get the ordinary call.
 */
export function writeFields(log: Logger, level: 'info' | 'debug', fields: Readonly<Record<string, string | number | boolean | undefined>>, msg: string): void {
  if (!log.isLevelEnabled(level)) return;
  const internals = log as unknown as Record<symbol, unknown>;
  const destination = (internals[pino.symbols.streamSym] as Partial<Record<typeof UNSCRUBBED, Destination>> | undefined)?.[UNSCRUBBED];
  // A child's bindings would need the whole-line scrub: only the root's base (pid, hostname) is written here.
  if (!destination || internals[pino.symbols.chindingsSym] !== `,${BASE}`) {
    log[level](fields, msg);
    return;
  }
  let line = `{"level":"${level}","time":${isoTimeNow()},${BASE}`;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    const { prefix, secret } = keyOf(key);
    line += prefix + (secret ? `"${REDACTED}"` : typeof value === 'string' ? scrubText(jsonString(value)) : JSON.stringify(value));
  }
  destination.write(`${line},"msg":${scrubText(JSON.stringify(msg))}}\n`);
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
