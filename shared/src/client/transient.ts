/**
 * The one rule for "worth retrying later" that every client loop uses (the `DeviceFlow` driver's
 * polls, the kiosk's discovery and refresh, the CLI): the server could not be reached, or said it
 * is busy. Anything else is an answer, and retrying would only get the same answer again.
 */
import { OAuthError } from '../protocol/errors';

export function isTransient(error: unknown): boolean {
  if (error instanceof OAuthError) {
    // RFC 6749 §4.1.2.1 / §5.2: temporarily_unavailable; an HTML 502 from a proxy, a 500 or a
    // 429 rate limit: the same request may well succeed later.
    return error.error === 'temporarily_unavailable' || error.status >= 500 || error.status === 429;
  }
  // WHATWG Fetch §4.6: a network error rejects with a TypeError; a caller's own fetch wrapper
  // may time out with a TimeoutError (AbortSignal.timeout) or report a NetworkError.
  if (error instanceof TypeError) return true;
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'NetworkError');
}
