/**
 * The one error a store throws when its database is away (PostgreSQL down, frozen past the
 * statement timeout, out of connections; an SQLite file that cannot be written). Whoever answers
 * the request turns it into 503 with `Retry-After` — an OAuth `temporarily_unavailable` body on
 * the OAuth endpoints (RFC 6749 §4.1.2.1 names the code), a "try again shortly" page on the
 * portal — never a 500: the request was fine, the server will recover by itself.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** Seconds a client is asked to wait before trying again while the database is away. */
export const STORE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export function isStoreUnavailable(err: unknown): err is StoreUnavailableError {
  return err instanceof StoreUnavailableError || (err instanceof Error && err.cause instanceof StoreUnavailableError);
}
