import { timingSafeEqual } from 'node:crypto';
import { OAuthError, oauthError } from '@pairgate/shared';
import { hashSecret } from '../crypto/hash';
import type { ClientAuthMethod, ClientRecord } from '../store/store';
import { assertionClientId, CLIENT_ASSERTION_TYPE, verifyClientAssertion } from './client-assertion';
import type { CoreContext } from './context';
import type { OAuthRequest } from './http/types';
import { param } from './http/params';

/**
 * The methods `authenticateClient` accepts, in the order discovery lists them (RFC 8414 §2
 * `token_endpoint_auth_methods_supported`, IANA "OAuth Token Endpoint Authentication Methods").
 */
export const clientAuthMethods = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const satisfies readonly ClientAuthMethod[];

/** The methods by which a client proves who it is: every one but `none` (public clients). */
export const confidentialAuthMethods = clientAuthMethods.filter((m): m is Exclude<ClientAuthMethod, 'none'> => m !== 'none');

const BASIC_CHALLENGE = 'Basic realm="pairgate", charset="UTF-8"';

/** RFC 6749 §5.2: a failed authentication is 401 `invalid_client`; never says which part was wrong. */
const authenticationFailed = () => new OAuthError('invalid_client', 'Client authentication failed.', { status: 401 });

/**
 * Authenticates the client of a token, revocation, introspection or device authorization
 * request (RFC 6749 §2.3). Public clients identify themselves with `client_id` only (method
 * `none`); confidential clients must use the one method they registered:
 *   - `client_secret_basic`: HTTP Basic (RFC 6749 §2.3.1);
 *   - `client_secret_post`: `client_id` + `client_secret` in the body (§2.3.1);
 *   - `private_key_jwt`: a JWT signed with one of its registered keys (RFC 7523 §2.2, OIDC Core §9).
 * A request may carry only one method (§2.3).
 */
export async function authenticateClient(ctx: CoreContext, req: OAuthRequest, params: URLSearchParams): Promise<ClientRecord> {
  const basic = parseBasic(req.headers.authorization);
  const bodyId = param(params, 'client_id');
  const bodySecret = param(params, 'client_secret');
  const assertion = param(params, 'client_assertion');
  const assertionType = param(params, 'client_assertion_type');
  const usesAssertion = assertion !== undefined || assertionType !== undefined;
  if ([basic !== undefined, bodySecret !== undefined, usesAssertion].filter(Boolean).length > 1) {
    throw oauthError.invalidRequest('Use only one client authentication method.');
  }

  if (usesAssertion) {
    if (assertion === undefined || assertionType === undefined) {
      throw oauthError.invalidRequest('client_assertion and client_assertion_type go together.');
    }
    // RFC 7521 §4.2: the only assertion type this server understands.
    if (assertionType !== CLIENT_ASSERTION_TYPE) throw oauthError.invalidClient(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE}.`);
    const clientId = assertionClientId(assertion);
    // RFC 7521 §4.2: a client_id sent alongside must name the same client.
    if (bodyId !== undefined && bodyId !== clientId) throw oauthError.invalidClient('client_id does not match the client assertion.');
    const client = await ctx.clients.findClient(clientId);
    if (!client || client.tokenEndpointAuthMethod !== 'private_key_jwt') throw authenticationFailed();
    await verifyClientAssertion(ctx, client, assertion);
    return client;
  }

  if (basic) {
    if (bodyId !== undefined && bodyId !== basic.id) throw oauthError.invalidRequest('client_id does not match the Authorization header.');
    const client = await ctx.clients.findClient(basic.id);
    if (!client || client.tokenEndpointAuthMethod !== 'client_secret_basic' || !secretMatches(client, basic.secret)) {
      throw oauthError.invalidClient('Client authentication failed.', BASIC_CHALLENGE);
    }
    return client;
  }

  if (bodyId === undefined) throw oauthError.invalidRequest('The client_id parameter is required.');
  const client = await ctx.clients.findClient(bodyId);
  if (!client) throw authenticationFailed();
  if (bodySecret !== undefined) {
    if (client.tokenEndpointAuthMethod !== 'client_secret_post' || !secretMatches(client, bodySecret)) throw authenticationFailed();
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
