import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { scrubText } from './redact';

/** What every log line written while serving one HTTP request carries. */
export interface RequestContext {
  readonly requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` (and everything it starts, across awaits) as part of this request. */
export function runInRequest<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The request being served by the current async call chain, if any. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * An `X-Request-Id` set by a proxy in front is kept, so its log and ours line up — but only a
 * short token of safe characters (no log or header injection) that is not itself shaped like a
 * secret (the log would show it redacted, and the ids would no longer match). Anything else is
 * replaced by a fresh UUID.
 */
const SAFE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const offered = Array.isArray(header) ? undefined : header?.trim();
  if (offered && SAFE_REQUEST_ID.test(offered) && scrubText(offered) === offered) return offered;
  return randomUUID();
}
