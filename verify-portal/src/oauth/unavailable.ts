import { OAuthError } from '@pairgate/shared';
import { STORE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../store/unavailable';

/**
 * The OAuth answer while the database is away: 503 with `Retry-After` (RFC 9110 §15.6.4,
 * §10.2.3) and `temporarily_unavailable`, the code RFC 6749 names for "cannot handle the request
 * due to a temporary overloading or maintenance" (§4.1.2.1; registered for every endpoint in
 * §11.4). Clients treat it as transient and try again; nothing about the database is said.
 */
export function databaseUnavailable(cause: unknown): OAuthError {
  return new OAuthError('temporarily_unavailable', 'The service is briefly unavailable; try again in a few seconds.', {
    status: 503,
    headers: { 'Retry-After': String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS) },
    cause,
  });
}
