/**
 * What the stores do with a database error: describe it for an operator (never a stack, never a
 * parameter value).
 */

/** An error's code and message, e.g. `SQLITE_READONLY: attempt to write a readonly database`. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
}
