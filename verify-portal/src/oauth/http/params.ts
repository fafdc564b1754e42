import { oauthError } from '@pairgate/shared';
import type { OAuthRequest } from './types';

/**
 * The form parameters of a POST endpoint. RFC 6749 §3.2 requires
 * `application/x-www-form-urlencoded`; anything else is `invalid_request`.
 */
export function requireForm(req: OAuthRequest): URLSearchParams {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' || !req.form) {
    throw oauthError.invalidRequest('The request body must be application/x-www-form-urlencoded.');
  }
  return req.form;
}

/**
 * Reads one parameter. RFC 6749 §3.1/§3.2: parameters sent without a value are treated as
 * omitted, and parameters must not be repeated.
 */
export function param(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw oauthError.invalidRequest(`The ${name} parameter must not be repeated.`);
  const value = values[0];
  return value === undefined || value === '' ? undefined : value;
}

export function requiredParam(params: URLSearchParams, name: string): string {
  const value = param(params, name);
  if (value === undefined) throw oauthError.invalidRequest(`The ${name} parameter is required.`);
  return value;
}
