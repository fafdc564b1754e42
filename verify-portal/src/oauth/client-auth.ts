import { timingSafeEqual } from 'node:crypto';
import { OAuthError, oauthError } from '@pairgate/shared';
import { hashSecret } from '../crypto/hash';
import type { ClientRecord } from '../store/store';
import type { ClientLookup } from './client-cache';
import type { OAuthRequest } from './http/types';
import { param } from './http/params';

/** The methods `authenticateClient` accepts, in the order discovery lists them. */
export const clientAuthMethods = ['none', 'client_secret_basic', 'client_secret_post'] as const;

const BASIC_CHALLENGE = 'Basic realm="pairgate", charset="UTF-8"';

/**
 * Authenticates the client of a token, revocation or introspection request (RFC 6749 §2.3).
 * Public clients identify themselves with `client_id` only (method `none`); confidential
 * clients must use the method they registered. A client may use only one method per request.
 */
export async function authenticateClient(store: ClientLookup, req: OAuthRequest, params: URLSearchParams): Promise<ClientRecord> {
  const basic = parseBasic(req.headers.authorization);
  const bodyId = param(params, 'client_id');
  const bodySecret = param(params, 'client_secret');
  if (param(params, 'client_assertion') !== undefined || param(params, 'client_assertion_type') !== undefined) {
    throw oauthError.invalidClient('private_key_jwt client authentication is not supported yet.');
  }

  if (basic) {
    if (bodySecret !== undefined) throw oauthError.invalidRequest('Use only one client authentication method.');
    if (bodyId !== undefined && bodyId !== basic.id) throw oauthError.invalidRequest('client_id does not match the Authorization header.');
    const client = await store.findClient(basic.id);
    if (!client || client.tokenEndpointAuthMethod !== 'client_secret_basic' || !secretMatches(client, basic.secret)) {
      throw oauthError.invalidClient('Client authentication failed.', BASIC_CHALLENGE);
    }
    return client;
  }

  if (bodyId === undefined) throw oauthError.invalidRequest('The client_id parameter is required.');
  const client = await store.findClient(bodyId);
  if (!client) throw new OAuthError('invalid_client', 'Client authentication failed.', { status: 401 });
  if (bodySecret !== undefined) {
    if (client.tokenEndpointAuthMethod !== 'client_secret_post' || !secretMatches(client, bodySecret)) {
      throw new OAuthError('invalid_client', 'Client authentication failed.', { status: 401 });
    }
    return client;
  }
  if (client.tokenEndpointAuthMethod !== 'none') {
    throw new OAuthError('invalid_client', 'This client must authenticate.', { status: 401 });
  }
  return client;
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded, then Basic-encoded. */
function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw oauthError.invalidClient('Malformed Basic credentials.', BASIC_CHALLENGE);
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    throw oauthError.invalidClient('Malformed Basic credentials.', BASIC_CHALLENGE);
  }
}

function secretMatches(client: ClientRecord, secret: string): boolean {
  if (!client.secretHash) return false;
  const presented = Buffer.from(hashSecret(secret));
  const stored = Buffer.from(client.secretHash);
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
