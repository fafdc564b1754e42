import type { AuthorizationServerMetadata } from '@pairgate/shared';
import { endpointUrls, type CoreContext } from '../context';
import { json, type OAuthResponse } from '../http/types';
import { clientAssertionAlgorithms } from '../client-assertion';
import { clientAuthMethods, confidentialAuthMethods } from '../client-auth';
import { grantHandlers } from '../grants';
import { supportedResponseModes, supportedResponseTypes } from '../response-types';
import { DEVICE_EVENTS_PATH } from '../push/device-channel';

/**
 * RFC 8414 / OIDC Discovery metadata. It advertises only what this server really does, and
 * derives each list from the registry the server itself dispatches on (grant handlers, client
 * authentication methods and assertion algorithms, response types and modes), so the two
 * cannot drift apart.
 */
export function metadata(ctx: CoreContext): AuthorizationServerMetadata {
  const urls = endpointUrls(ctx.issuer);
  return {
    issuer: ctx.issuer,
    authorization_endpoint: urls.authorization,
    token_endpoint: urls.token,
    device_authorization_endpoint: urls.deviceAuthorization,
    revocation_endpoint: urls.revocation,
    introspection_endpoint: urls.introspection,
    userinfo_endpoint: urls.userinfo,
    jwks_uri: urls.jwks,
    scopes_supported: ['openid', 'profile', 'email', 'offline_access', ...ctx.apiScopes],
    response_types_supported: [...supportedResponseTypes],
    response_modes_supported: [...supportedResponseModes],
    grant_types_supported: Object.keys(grantHandlers),
    // RFC 7636 §4.2 with RFC 9700 §2.1.1: S256 only, never plain.
    code_challenge_methods_supported: ['S256'],
    // RFC 9207 §3: every authorization response carries iss.
    authorization_response_iss_parameter_supported: true,
    // RFC 8414 §2: the same client authentication at every endpoint that takes one; private_key_jwt
    // assertions signed with these algorithms only (never none or HS*).
    token_endpoint_auth_methods_supported: [...clientAuthMethods],
    token_endpoint_auth_signing_alg_values_supported: [...clientAssertionAlgorithms],
    revocation_endpoint_auth_methods_supported: [...clientAuthMethods],
    revocation_endpoint_auth_signing_alg_values_supported: [...clientAssertionAlgorithms],
    // RFC 7662 §2.1: introspection needs an authenticated (confidential) client.
    introspection_endpoint_auth_methods_supported: [...confidentialAuthMethods],
    introspection_endpoint_auth_signing_alg_values_supported: [...clientAssertionAlgorithms],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    // Pairgate's device push channel (a hint on top of RFC 8628 polling): ws:// or wss:// like the issuer.
    pairgate_device_events_endpoint: `${ctx.issuer.replace(/^http/, 'ws')}${DEVICE_EVENTS_PATH}`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'sid', 'name', 'email', 'email_verified'],
  };
}

export async function discoveryEndpoint(ctx: CoreContext): Promise<OAuthResponse> {
  return json(200, metadata(ctx), { 'Cache-Control': 'public, max-age=300' });
}
