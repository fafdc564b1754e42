/**
 * The token-endpoint flows end to end over real HTTP against the portal process (issue 7, part
 * A): client credentials with each client authentication method (oauth4webapi as the client),
 * audience / resource checks, the password grant (on when the client enables it, its limits),
 * and introspection (RFC 7662) of active, revoked and expired tokens. On SQLite always and on
 * PostgreSQL when PAIRGATE_TEST_DATABASE_URL is set. Test clients are registered through the
 * store, as the admin CLI does.
 */
import { randomBytes } from 'node:crypto';
import { GrantType, verifyAccessToken } from '@pairgate/shared';
import { createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/crypto/hash';
import { TEST_PASSWORD, TEST_PASSWORD_HASH_AT_DEFAULT_COST } from '../../src/crypto/test-support';
import { openStore } from '../../src/store';
import type { ClientRegistration, Store } from '../../src/store/store';
import { startPortal, type RunningPortal } from '../support/portal';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const API = 'https://api.pairgate.test/devices';
const OTHER_API = 'urn:pairgate:billing';
const EMAIL = 'pat@example.com';
const PASSWORD = TEST_PASSWORD;

function describeTokenFlows(label: string, options: { postgresUrl?: string }) {
  describe(`token endpoint flows end to end (${label})`, () => {
    let portal: RunningPortal;
    let store: Store;
    let as: oauth.AuthorizationServer;
    let userId: string;
    let assertionKey: CryptoKey;
    const secrets: string[] = [PASSWORD];
    /** A fresh secret per client, registered as its hash, as the admin CLI does. */
    const secretOf: Record<string, string> = {};

    async function register(client: Omit<ClientRegistration, 'secretHash' | 'createdAt' | 'redirectUris' | 'firstParty'>) {
      const secret = client.tokenEndpointAuthMethod.startsWith('client_secret') ? randomBytes(32).toString('base64url') : undefined;
      if (secret) {
        secretOf[client.clientId] = secret;
        secrets.push(secret);
      }
      await store.upsertClient({ ...client, secretHash: secret ? hashSecret(secret) : null, redirectUris: [], firstParty: true, createdAt: Date.now() });
    }

    beforeAll(async () => {
      portal = await startPortal(options.postgresUrl ? { postgresUrl: options.postgresUrl } : {});
      store = openStore(portal.env.DATABASE_URL, `${portal.env.PAIRGATE_DATA_DIR}/pairgate.db`);
      const pair = await generateKeyPair('ES256');
      assertionKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'worker-1', alg: 'ES256', use: 'sig' };
      const machine = { type: 'confidential', grantTypes: [GrantType.ClientCredentials], scopes: ['devices:read', 'devices:write'], allowedAudiences: [API, OTHER_API] } as const;
      await register({ ...machine, clientId: 'svc-basic', name: 'Service (Basic)', tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: [...machine.grantTypes], scopes: [...machine.scopes], allowedAudiences: [...machine.allowedAudiences] });
      await register({ ...machine, clientId: 'svc-post', name: 'Service (post)', tokenEndpointAuthMethod: 'client_secret_post', grantTypes: [...machine.grantTypes], scopes: [...machine.scopes], allowedAudiences: [API] });
      await register({ ...machine, clientId: 'svc-jwt', name: 'Worker (private_key_jwt)', tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] }, grantTypes: [...machine.grantTypes], scopes: [...machine.scopes], allowedAudiences: [API] });
      await register({ clientId: 'legacy', name: 'Legacy app', type: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: [GrantType.Password, GrantType.RefreshToken], scopes: ['openid', 'profile', 'offline_access'] });
      await register({ clientId: 'modern', name: 'Modern app', type: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: [GrantType.AuthorizationCode, GrantType.RefreshToken], scopes: ['openid', 'profile', 'offline_access'] });
      await register({ clientId: 'rs', name: 'Resource server', type: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: [], scopes: [] });
      await register({ clientId: 'public-app', name: 'Public app', type: 'public', tokenEndpointAuthMethod: 'none', grantTypes: [GrantType.Password], scopes: ['openid'] });
      userId = crypto.randomUUID();
      await store.createUser({ id: userId, email: EMAIL, name: 'Pat', passwordHash: TEST_PASSWORD_HASH_AT_DEFAULT_COST, createdAt: Date.now() });
      const issuer = new URL(portal.issuer);
      as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
    });

    afterAll(async () => {
      await store?.close();
      // No secret, assertion, password or token ever reached the server's log.
      const log = portal?.output() ?? '';
      for (const secret of secrets) expect(log).not.toContain(secret);
      await portal?.stop();
    });

    const basic = (id: string) => oauth.ClientSecretBasic(secretOf[id]!);
    const post = (id: string) => oauth.ClientSecretPost(secretOf[id]!);
    /** private_key_jwt as oauth4webapi makes it (aud = issuer, exp 60 s, random jti), optionally tampered with. */
    const keyJwt = (modify?: (header: Record<string, unknown>, payload: Record<string, unknown>) => void) =>
      oauth.PrivateKeyJwt(assertionKey, modify ? { [oauth.modifyAssertion]: modify } : {});

    async function clientCredentials(clientId: string, auth: oauth.ClientAuth, parameters: Record<string, string> | [string, string][] = {}) {
      const response = await oauth.clientCredentialsGrantRequest(as, { client_id: clientId }, auth, parameters, insecure);
      return response;
    }
    async function tokensOf(response: Response): Promise<oauth.TokenEndpointResponse> {
      const tokens = await oauth.processClientCredentialsResponse(as, { client_id: 'any' }, response);
      secrets.push(tokens.access_token);
      return tokens;
    }
    async function errorOf(response: Response): Promise<{ status: number; error: string; description?: string; headers: Headers }> {
      const body = (await response.json()) as { error: string; error_description?: string };
      return { status: response.status, error: body.error, description: body.error_description, headers: response.headers };
    }
    const form = (path: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${portal.issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params) });
    const basicHeader = (id: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secretOf[id]!}`).toString('base64')}` });

    /** The password grant through oauth4webapi's generic token request (it has no dedicated step). */
    const passwordGrant = (clientId: string, params: Record<string, string>) =>
      oauth.genericTokenEndpointRequest(as, { client_id: clientId }, basic(clientId), 'password', params, insecure);

    describe('discovery', () => {
      it('advertises the grants, methods, algorithms and the introspection endpoint', () => {
        expect(as.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials', 'password']));
        expect(as.token_endpoint_auth_methods_supported).toEqual(['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt']);
        expect(as.token_endpoint_auth_signing_alg_values_supported).toEqual(['ES256', 'RS256', 'PS256', 'EdDSA']);
        expect(as.introspection_endpoint).toBe(`${portal.issuer}/oauth/introspect`);
        expect(as.introspection_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
      });
    });

    describe('client credentials (RFC 6749 §4.4)', () => {
      it('client_secret_basic: an RFC 9068 token for the API, sub = the client; no refresh or ID token', async () => {
        const tokens = await tokensOf(await clientCredentials('svc-basic', basic('svc-basic'), { audience: API, scope: 'devices:read' }));
        expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 600, scope: 'devices:read' });
        expect(tokens.refresh_token).toBeUndefined();
        expect(tokens.id_token).toBeUndefined();
        // What the API does with it (the shared resource-server helper against the published JWKS).
        const check = await verifyAccessToken(`Bearer ${tokens.access_token}`, {
          issuer: portal.issuer, audience: API, jwks: createRemoteJWKSet(new URL(as.jwks_uri!)), requiredScopes: ['devices:read'],
        });
        expect(check.ok && check.claims).toMatchObject({ sub: 'svc-basic', client_id: 'svc-basic', aud: API, iss: portal.issuer });
      });

      it('client_secret_post', async () => {
        const tokens = await tokensOf(await clientCredentials('svc-post', post('svc-post')));
        // The client's only API, when none is named.
        expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: API, sub: 'svc-post' });
      });

      it('private_key_jwt (RFC 7523): accepted once per jti; a wrong aud or an expired assertion is refused', async () => {
        const tokens = await tokensOf(await clientCredentials('svc-jwt', keyJwt(), { resource: API }));
        expect(tokens.scope).toBe('devices:read devices:write');

        const jti = crypto.randomUUID();
        const fixed = keyJwt((_h, payload) => void (payload.jti = jti));
        expect((await clientCredentials('svc-jwt', fixed)).status).toBe(200);
        const replay = await errorOf(await clientCredentials('svc-jwt', fixed));
        expect(replay).toMatchObject({ status: 401, error: 'invalid_client', description: expect.stringMatching(/already been used/) });

        const wrongAud = await errorOf(await clientCredentials('svc-jwt', keyJwt((_h, p) => void (p.aud = 'https://someone-else.example'))));
        expect(wrongAud).toMatchObject({ status: 401, error: 'invalid_client', description: expect.stringMatching(/aud/) });
        const expired = await errorOf(await clientCredentials('svc-jwt', keyJwt((_h, p) => {
          const now = Math.floor(Date.now() / 1000);
          Object.assign(p, { iat: now - 600, nbf: now - 600, exp: now - 300 });
        })));
        expect(expired).toMatchObject({ status: 401, error: 'invalid_client', description: expect.stringMatching(/expired/) });
        const longLived = await errorOf(await clientCredentials('svc-jwt', keyJwt((_h, p) => void (p.exp = Math.floor(Date.now() / 1000) + 3600))));
        expect(longLived).toMatchObject({ status: 401, error: 'invalid_client' });
        // Signed by a key that is not registered.
        const stranger = oauth.PrivateKeyJwt((await generateKeyPair('ES256')).privateKey);
        expect((await errorOf(await clientCredentials('svc-jwt', stranger))).error).toBe('invalid_client');
      });

      it('a client may use only its registered method', async () => {
        expect((await errorOf(await clientCredentials('svc-basic', post('svc-basic')))).status).toBe(401);
        expect((await errorOf(await clientCredentials('svc-post', basic('svc-post')))).status).toBe(401);
        expect((await errorOf(await clientCredentials('svc-basic', keyJwt()))).error).toBe('invalid_client');
        expect((await errorOf(await clientCredentials('svc-jwt', oauth.None()))).error).toBe('invalid_client');
      });

      it('audience / resource must be one of the client’s APIs (RFC 8707 invalid_target)', async () => {
        expect((await errorOf(await clientCredentials('svc-basic', basic('svc-basic'), { audience: 'https://evil.example/' }))).error).toBe('invalid_target');
        expect((await errorOf(await clientCredentials('svc-basic', basic('svc-basic'), { resource: 'not-absolute' }))).error).toBe('invalid_target');
        expect((await errorOf(await clientCredentials('svc-basic', basic('svc-basic'), { resource: `${API}#x` }))).error).toBe('invalid_target');
        // Two APIs and none named.
        expect((await errorOf(await clientCredentials('svc-basic', basic('svc-basic')))).error).toBe('invalid_target');
        const both = await tokensOf(await clientCredentials('svc-basic', basic('svc-basic'), [['resource', API], ['resource', OTHER_API]]));
        expect(decodeJwt(both.access_token).aud).toEqual([API, OTHER_API]);
      });

      it('negative: bad scope, a client without the grant, no client authentication, no grant_type', async () => {
        expect((await errorOf(await clientCredentials('svc-basic', basic('svc-basic'), { audience: API, scope: 'devices:admin' }))).error).toBe('invalid_scope');
        expect((await errorOf(await clientCredentials('svc-basic', basic('svc-basic'), { audience: API, scope: 'openid' }))).error).toBe('invalid_scope');
        expect((await errorOf(await clientCredentials('legacy', basic('legacy')))).error).toBe('unauthorized_client');
        expect((await errorOf(await form('/oauth/token', { grant_type: 'client_credentials' }))).error).toBe('invalid_request');
        expect((await errorOf(await form('/oauth/token', { client_id: 'svc-post', client_secret: secretOf['svc-post']! }))).error).toBe('invalid_request');
      });
    });

    describe('password (RFC 6749 §4.3)', () => {

      it('works for a client that enabled it (oauth4webapi processes the response)', async () => {
        const response = await passwordGrant('legacy', { username: EMAIL, password: PASSWORD, scope: 'openid profile offline_access' });
        const tokens = await oauth.processGenericTokenEndpointResponse(as, { client_id: 'legacy' }, response);
        secrets.push(tokens.access_token, tokens.refresh_token!, tokens.id_token!);
        expect(tokens).toMatchObject({ token_type: expect.stringMatching(/^bearer$/i), scope: 'openid profile offline_access' });
        const userinfo = await oauth.processUserInfoResponse(as, { client_id: 'legacy' }, userId, await oauth.userInfoRequest(as, { client_id: 'legacy' }, tokens.access_token, insecure));
        expect(userinfo).toMatchObject({ sub: userId, name: 'Pat' });
      });

      it('unauthorized_client when the client did not enable it', async () => {
        expect(await errorOf(await passwordGrant('modern', { username: EMAIL, password: PASSWORD }))).toMatchObject({ status: 400, error: 'unauthorized_client' });
      });

      it('negative: username and password are required; wrong ones say nothing about the account', async () => {
        expect((await errorOf(await passwordGrant('legacy', { password: PASSWORD }))).error).toBe('invalid_request');
        expect((await errorOf(await passwordGrant('legacy', { username: EMAIL }))).error).toBe('invalid_request');
        expect((await errorOf(await passwordGrant('legacy', { username: EMAIL, password: PASSWORD, scope: 'email' }))).error).toBe('invalid_scope');
        const wrong = await errorOf(await passwordGrant('legacy', { username: EMAIL, password: 'wrong' }));
        const unknown = await errorOf(await passwordGrant('legacy', { username: 'nobody@example.com', password: 'wrong' }));
        expect(wrong).toMatchObject({ status: 400, error: 'invalid_grant' });
        expect(unknown.description).toBe(wrong.description);
      });

      it('the sign-in page’s per-account delay: then 429 temporarily_unavailable with Retry-After, even for the right password', async () => {
        const target = 'limited@example.com';
        await store.createUser({ id: crypto.randomUUID(), email: target, name: 'Lim', passwordHash: TEST_PASSWORD_HASH_AT_DEFAULT_COST, createdAt: Date.now() });
        expect((await errorOf(await passwordGrant('legacy', { username: target, password: 'guess' }))).error).toBe('invalid_grant');
        // Counted like /login's failures: same delay, same subject.
        const seen = await store.peekThrottle(hashSecret(target), Date.now());
        expect(seen?.failures).toBe(1);
        // A long run of failures (as from many addresses): the next attempt must wait a minute.
        const later = { failures: 11, nextAllowedAt: Date.now() + 60_000, expiresAt: Date.now() + 15 * 60_000 };
        expect(await store.claimThrottle(hashSecret(target), seen, later, Date.now())).toBe(true);
        const blocked = await errorOf(await passwordGrant('legacy', { username: target, password: PASSWORD }));
        expect(blocked).toMatchObject({ status: 429, error: 'temporarily_unavailable' });
        expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(50);
        // Another account is not affected.
        expect((await passwordGrant('legacy', { username: EMAIL, password: PASSWORD })).status).toBe(200);
      });
    });

    describe('introspection (RFC 7662)', () => {
      const rs: oauth.Client = { client_id: 'rs' };
      const introspect = async (token: string) => oauth.processIntrospectionResponse(as, rs, await oauth.introspectionRequest(as, rs, basic('rs'), token, insecure));

      it('an active access token and refresh token', async () => {
        const machine = await tokensOf(await clientCredentials('svc-post', post('svc-post')));
        expect(await introspect(machine.access_token)).toMatchObject({ active: true, client_id: 'svc-post', sub: 'svc-post', aud: API, scope: 'devices:read devices:write', token_type: 'Bearer', iss: portal.issuer });
        const person = (await (await passwordGrant('legacy', { username: EMAIL, password: PASSWORD, scope: 'openid offline_access' })).json()) as { access_token: string; refresh_token: string };
        secrets.push(person.access_token, person.refresh_token);
        expect(await introspect(person.access_token)).toMatchObject({ active: true, client_id: 'legacy', sub: userId, aud: portal.issuer, jti: expect.any(String) });
        expect(await introspect(person.refresh_token)).toMatchObject({ active: true, client_id: 'legacy', sub: userId });
        const raw = await oauth.introspectionRequest(as, rs, basic('rs'), person.access_token, insecure);
        expect(raw.headers.get('cache-control')).toBe('no-store');
      });

      it('revoked tokens are inactive', async () => {
        const person = (await (await passwordGrant('legacy', { username: EMAIL, password: PASSWORD, scope: 'openid offline_access' })).json()) as { access_token: string; refresh_token: string };
        secrets.push(person.access_token, person.refresh_token);
        const revoked = await oauth.revocationRequest(as, { client_id: 'legacy' }, basic('legacy'), person.refresh_token, insecure);
        await oauth.processRevocationResponse(revoked);
        expect(await introspect(person.access_token)).toEqual({ active: false });
        expect(await introspect(person.refresh_token)).toEqual({ active: false });
      });

      it('expired, foreign and garbage tokens are inactive', async () => {
        // An access token signed by this very server, but expired.
        const [signing] = await store.listSigningKeys(1);
        const key = await importJWK(JSON.parse(signing!.privateJwk) as JWK, 'ES256');
        const now = Math.floor(Date.now() / 1000);
        const expired = await new SignJWT({ client_id: 'svc-post', scope: 'devices:read' })
          .setProtectedHeader({ alg: 'ES256', kid: signing!.kid, typ: 'at+jwt' })
          .setIssuer(portal.issuer).setSubject('svc-post').setAudience(API).setIssuedAt(now - 1200).setExpirationTime(now - 600).setJti(crypto.randomUUID())
          .sign(key);
        expect(await introspect(expired)).toEqual({ active: false });
        const foreign = await new SignJWT({ client_id: 'svc-post', scope: 'devices:read' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
          .setIssuer('https://elsewhere.example').setSubject('x').setAudience(API).setIssuedAt().setExpirationTime('5m').setJti('j')
          .sign((await generateKeyPair('ES256')).privateKey);
        expect(await introspect(foreign)).toEqual({ active: false });
        expect(await introspect('not-a-token')).toEqual({ active: false });
      });

      it('negative: confidential clients only; token is required', async () => {
        const publicClient = await errorOf(await form('/oauth/introspect', { client_id: 'public-app', token: 'x' }));
        expect(publicClient).toMatchObject({ status: 401, error: 'invalid_client' });
        expect((await errorOf(await form('/oauth/introspect', { token: 'x' }))).error).toBe('invalid_request');
        expect((await errorOf(await form('/oauth/introspect', {}, basicHeader('rs')))).error).toBe('invalid_request');
        const get = await fetch(`${portal.issuer}/oauth/introspect`);
        expect(get.status).toBe(405);
      });
    });
  });
}

describeTokenFlows('SQLite', {});
const postgresUrl = process.env.PAIRGATE_TEST_DATABASE_URL;
if (postgresUrl) describeTokenFlows('PostgreSQL', { postgresUrl });
