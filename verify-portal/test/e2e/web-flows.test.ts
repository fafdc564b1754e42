/**
 * The web-app flows end to end over real HTTP against the portal process (issue 7, part B):
 *   - a confidential web app's Authorization Code flow (client_secret_basic, PKCE) with
 *     oauth4webapi, and a client that must use PKCE refused without it;
 *   - implicit and hybrid by form post (OIDC Core §3.2, §3.3, OAuth 2.0 Form Post Response Mode):
 *     Chromium signs in and the portal's page POSTs the response to a real loopback HTTP server
 *     in this test, which reads the form; hybrid checked with oauth4webapi
 *     (`validateCodeIdTokenResponse`, c_hash) and jose (at_hash);
 *   - the negatives: no nonce, response_mode=query, flows a client has not enabled;
 *   - calling the example API (GET /api/devices) with the tokens of these flows and of the kiosk's
 *     device flow: valid, expired, wrong audience, missing scope.
 */
import { createHash } from 'node:crypto';
import { GrantType } from '@pairgate/shared';
import { createRemoteJWKSet, decodeJwt, jwtVerify, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { devices, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICES_API } from '../../src/api/devices';
import { hashSecret } from '../../src/crypto/hash';
import { defaults } from '../../src/defaults';
import { createKeyRing } from '../../src/oauth/tokens/keys';
import { openStore } from '../../src/store';
import type { ClientRegistration, Store } from '../../src/store/store';
import { chromiumAvailable, launchChromium } from '../support/browser';
import { callbackServer, type Received } from '../support/callback-server';
import { approveOnPhone, DEMO_EMAIL, DEMO_PASSWORD, signIn, startDevice } from '../support/phone';
import { startPortal, type RunningPortal } from '../support/portal';
import { testDatabaseUrl } from '../support/resources';

const run = chromiumAvailable('web flows end to end');
const insecure = { [oauth.allowInsecureRequests]: true } as const;
const SECRET = 'web-app-secret-0123456789abcdefghijklmnop';
const SCOPE = `openid profile email offline_access ${DEVICES_API.scope}`;
/** Every legacy type, enabled for the one client that may use them. */
const LEGACY_TYPES = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'];

const leftHalf = (s: string) => createHash('sha256').update(s, 'ascii').digest().subarray(0, 16).toString('base64url');

const postgresUrl = run ? testDatabaseUrl('web flows end to end') : undefined;

describe.each([
  { database: 'sqlite', postgresUrl: undefined },
  { database: 'postgres', postgresUrl },
])('web apps, implicit/hybrid by form post, and the example API ($database)', ({ database, postgresUrl }) => {
  const skip = !run || (database === 'postgres' && !postgresUrl);
  let portal: RunningPortal;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let store: Store;
  let as: oauth.AuthorizationServer;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  let callback: Awaited<ReturnType<typeof callbackServer>>;
  let demoUserId: string;
  const secrets: string[] = [];
  const cspViolations: string[] = [];
  const web: oauth.Client = { client_id: 'web-app', id_token_signed_response_alg: 'ES256' };
  const strict: oauth.Client = { client_id: 'web-app-pkce', id_token_signed_response_alg: 'ES256' };
  const legacy: oauth.Client = { client_id: 'legacy-web', id_token_signed_response_alg: 'ES256' };
  const codeOnly: oauth.Client = { client_id: 'code-only', id_token_signed_response_alg: 'ES256' };
  const thirdParty: oauth.Client = { client_id: 'partner-portal', id_token_signed_response_alg: 'ES256' };
  const basic = oauth.ClientSecretBasic(SECRET);

  beforeAll(async () => {
    if (skip) return;
    // A 1 s poll interval: the kiosk's device flow below gets its tokens at its first poll after the approval.
    const polls = { env: { PAIRGATE_POLL_INTERVAL_SECONDS: '1' } };
    [portal, browser, callback] = await Promise.all([startPortal(postgresUrl ? { postgresUrl, ...polls } : polls), launchChromium(), callbackServer()]);
    store = openStore(portal.env.DATABASE_URL, `${portal.env.PAIRGATE_DATA_DIR}/pairgate.db`);
    const base: Omit<ClientRegistration, 'clientId' | 'name'> = {
      type: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic', secretHash: hashSecret(SECRET),
      grantTypes: [GrantType.AuthorizationCode, GrantType.RefreshToken], redirectUris: ['http://127.0.0.1/cb'],
      scopes: SCOPE.split(' '), firstParty: true, createdAt: Date.now(), allowedAudiences: [DEVICES_API.audience],
    };
    await store.upsertClient({ ...base, clientId: web.client_id, name: 'Web Shop' });
    await store.upsertClient({ ...base, clientId: strict.client_id, name: 'Strict Shop', requirePkce: true });
    await store.upsertClient({ ...base, clientId: legacy.client_id, name: 'Legacy Portal', responseTypes: LEGACY_TYPES });
    // Registered for no API, and for the code flow only (the default).
    await store.upsertClient({ ...base, clientId: codeOnly.client_id, name: 'Code Only', allowedAudiences: [] });
    await store.upsertClient({ ...base, clientId: thirdParty.client_id, name: 'Partner Portal', responseTypes: ['code', 'code id_token'], firstParty: false });
    demoUserId = (await store.findUserByEmail(DEMO_EMAIL))!.id;
    const issuer = new URL(portal.issuer);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
    jwks = createRemoteJWKSet(new URL(as.jwks_uri!));

    // One browser session for the whole suite: the person signs in once, like on a real laptop.
    context = await browser.newContext({ ...devices['Desktop Chrome'] });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (/content security policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(`${portal.issuer}/login?next=${encodeURIComponent('/account/devices')}`);
    await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
  });

  afterAll(async () => {
    if (skip) return;
    await context?.close();
    await browser?.close();
    callback?.close();
    await store?.close();
    // form_post exists so that no code or token lands in a URL or a log line.
    const log = portal?.output() ?? '';
    for (const secret of [DEMO_PASSWORD, SECRET, ...secrets]) expect(log).not.toContain(secret);
    await portal?.stop();
    expect(cspViolations).toEqual([]);
  });

  function authorizationUrl(client: oauth.Client, params: Record<string, string | undefined>): URL {
    const url = new URL(as.authorization_endpoint!);
    for (const [k, v] of Object.entries({ client_id: client.client_id, redirect_uri: `${callback.base}/cb`, scope: SCOPE, ...params })) {
      if (v !== undefined) url.searchParams.set(k, v);
    }
    return url;
  }

  /** Opens the URL in the signed-in browser and returns what arrives at the web app, and the URLs the browser saw. */
  async function inBrowser(url: URL, target: Page = page): Promise<{ received: Received; urls: string[] }> {
    const urls: string[] = [];
    const onNav = (frame: { url(): string }) => urls.push(frame.url());
    target.on('framenavigated', onNav);
    try {
      const arrived = callback.next();
      await target.goto(url.href);
      const received = await arrived;
      await target.waitForURL((u) => u.origin === callback.base);
      return { received, urls };
    } finally {
      target.off('framenavigated', onNav);
    }
  }

  /** The form-post Request as the web app's framework would hand it to oauth4webapi. */
  function asRequest(received: Received): Request {
    return new Request(received.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: received.params.toString() });
  }

  async function api(accessToken: string | undefined, origin?: string) {
    const headers: Record<string, string> = {};
    if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
    if (origin) headers.origin = origin;
    const r = await fetch(`${portal.issuer}${DEVICES_API.path}`, { headers });
    const text = await r.text();
    return { status: r.status, challenge: r.headers.get('www-authenticate'), cors: r.headers.get('access-control-allow-origin'), body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }

  it.skipIf(skip)('discovery lists exactly the response types and modes the endpoint serves', () => {
    expect(as.response_types_supported).toEqual(LEGACY_TYPES);
    expect(as.response_modes_supported).toEqual(['query', 'form_post']);
  });

  describe.skipIf(skip)('Authorization Code for a confidential web app', () => {
    it('client_secret_basic + PKCE with oauth4webapi → tokens for userinfo and the API; refresh keeps the API', async () => {
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const url = authorizationUrl(web, { response_type: 'code', state, nonce, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const { received } = await inBrowser(url);
      expect(received.method).toBe('GET');
      const params = oauth.validateAuthResponse(as, web, received.url, state);
      secrets.push(params.get('code')!);
      const response = await oauth.authorizationCodeGrantRequest(as, web, basic, params, `${callback.base}/cb`, verifier, insecure);
      const tokens = await oauth.processAuthorizationCodeResponse(as, web, response, { expectedNonce: nonce, requireIdToken: true });
      secrets.push(tokens.access_token, tokens.refresh_token!);
      expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: [portal.issuer, DEVICES_API.audience], sub: demoUserId, client_id: web.client_id });

      const info = await oauth.processUserInfoResponse(as, web, demoUserId, await oauth.userInfoRequest(as, web, tokens.access_token, insecure));
      expect(info.email).toBe(DEMO_EMAIL);
      const listed = await api(tokens.access_token);
      expect(listed.status).toBe(200);
      expect(listed.body.devices).toEqual(expect.arrayContaining([expect.objectContaining({ app: { clientId: web.client_id, name: 'Web Shop' }, current: true })]));
      expect(JSON.stringify(listed.body)).not.toContain(tokens.access_token.slice(0, 20));

      // RFC 8707: a refresh may narrow the token; a foreign resource is invalid_target.
      const refreshed = await oauth.processRefreshTokenResponse(as, web, await oauth.refreshTokenGrantRequest(as, web, basic, tokens.refresh_token!, { ...insecure, additionalParameters: { resource: DEVICES_API.audience } }));
      secrets.push(refreshed.access_token);
      expect(decodeJwt(refreshed.access_token).aud).toEqual([portal.issuer, DEVICES_API.audience]);
      const foreign = oauth.refreshTokenGrantRequest(as, web, basic, tokens.refresh_token!, { ...insecure, additionalParameters: { resource: 'https://other.example/api' } });
      await expect(oauth.processRefreshTokenResponse(as, web, await foreign)).rejects.toMatchObject({ error: 'invalid_target' });

      // A wrong secret is a 401 invalid_client with a Basic challenge (RFC 6749 §5.2), whatever the code.
      const wrong = await oauth.authorizationCodeGrantRequest(as, web, oauth.ClientSecretBasic('not-the-secret'), params, `${callback.base}/cb`, verifier, insecure);
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('a client registered with requirePkce: no code_challenge → invalid_request; with PKCE it works', async () => {
      const state = oauth.generateRandomState();
      const { received } = await inBrowser(authorizationUrl(strict, { response_type: 'code', state }));
      expect(Object.fromEntries(received.params)).toMatchObject({ error: 'invalid_request', state, iss: portal.issuer });
      expect(received.params.get('error_description')).toMatch(/PKCE/);
      expect(() => oauth.validateAuthResponse(as, strict, received.url, state)).toThrow(oauth.AuthorizationResponseError);

      const verifier = oauth.generateRandomCodeVerifier();
      const ok = await inBrowser(authorizationUrl(strict, { response_type: 'code', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }));
      const params = oauth.validateAuthResponse(as, strict, ok.received.url, state);
      secrets.push(params.get('code')!);
      const tokens = await oauth.processAuthorizationCodeResponse(as, strict, await oauth.authorizationCodeGrantRequest(as, strict, basic, params, `${callback.base}/cb`, verifier, insecure));
      secrets.push(tokens.access_token, tokens.refresh_token!);
    });
  });

  describe.skipIf(skip)('implicit and hybrid by form post (Chromium POSTs to the web app)', () => {
    it('id_token: the browser POSTs the ID token to the app; nothing in any URL; the page passed its own CSP', async () => {
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const { received, urls } = await inBrowser(authorizationUrl(legacy, { response_type: 'id_token', response_mode: 'form_post', state, nonce, scope: 'openid email' }));
      expect(received.method).toBe('POST');
      expect(received.contentType).toBe('application/x-www-form-urlencoded');
      expect([...received.params.keys()]).toEqual(['id_token', 'state', 'iss']);
      expect(received.params.get('state')).toBe(state);
      expect(received.params.get('iss')).toBe(portal.issuer);
      const idToken = received.params.get('id_token')!;
      secrets.push(idToken);
      const { payload } = await jwtVerify(idToken, jwks, { issuer: portal.issuer, audience: legacy.client_id });
      expect(payload).toMatchObject({ sub: demoUserId, nonce, email: DEMO_EMAIL });
      expect(received.url.search).toBe('');
      for (const u of urls) expect(u).not.toContain(idToken.slice(0, 30));
    });

    it('id_token token: at_hash matches the access token, which the API accepts', async () => {
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const { received } = await inBrowser(authorizationUrl(legacy, { response_type: 'id_token token', response_mode: 'form_post', state, nonce }));
      const accessToken = received.params.get('access_token')!;
      secrets.push(accessToken, received.params.get('id_token')!);
      expect(received.params.get('token_type')).toBe('Bearer');
      // OIDC Core §11: no refresh token and no offline_access from the authorization endpoint.
      expect(received.params.get('scope')).toBe(`openid profile email ${DEVICES_API.scope}`);
      const { payload } = await jwtVerify(received.params.get('id_token')!, jwks, { issuer: portal.issuer, audience: legacy.client_id });
      expect(payload).toMatchObject({ nonce, at_hash: leftHalf(accessToken) });
      expect((await api(accessToken)).status).toBe(200);
    });

    it('code id_token: oauth4webapi validates the form-post Request (signature, nonce, c_hash, state, iss); the code redeems with client_secret_basic', async () => {
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const { received } = await inBrowser(authorizationUrl(legacy, { response_type: 'code id_token', response_mode: 'form_post', state, nonce }));
      secrets.push(received.params.get('code')!, received.params.get('id_token')!);
      const params = await oauth.validateCodeIdTokenResponse(as, legacy, asRequest(received), nonce, state, undefined, insecure);
      const { payload } = await jwtVerify(received.params.get('id_token')!, jwks, { issuer: portal.issuer, audience: legacy.client_id });
      expect(payload.c_hash).toBe(leftHalf(received.params.get('code')!));
      const tokens = await oauth.processAuthorizationCodeResponse(
        as, legacy, await oauth.authorizationCodeGrantRequest(as, legacy, basic, params, `${callback.base}/cb`, oauth.nopkce, insecure), { expectedNonce: nonce, requireIdToken: true },
      );
      secrets.push(tokens.access_token, tokens.refresh_token!);
      // The token endpoint's ID token: same sign-in (sid), at_hash, no c_hash.
      const back = decodeJwt(tokens.id_token!);
      expect(back).toMatchObject({ sid: payload.sid, at_hash: leftHalf(tokens.access_token) });
      expect(back.c_hash).toBeUndefined();
      // A tampered code fails oauth4webapi's c_hash check.
      const tampered = new URLSearchParams(received.params);
      tampered.set('code', `${received.params.get('code')!.slice(0, -2)}xx`);
      await expect(oauth.validateCodeIdTokenResponse(as, legacy, asRequest({ ...received, params: tampered }), nonce, state, undefined, insecure)).rejects.toThrow(/c_hash/);
    });

    it('code id_token token and code token: c_hash and at_hash (jose); the front-channel access token works once the code is redeemed', async () => {
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const { received } = await inBrowser(authorizationUrl(legacy, { response_type: 'code id_token token', response_mode: 'form_post', state, nonce }));
      const code = received.params.get('code')!;
      const accessToken = received.params.get('access_token')!;
      secrets.push(code, accessToken, received.params.get('id_token')!);
      const { payload } = await jwtVerify(received.params.get('id_token')!, jwks, { issuer: portal.issuer, audience: legacy.client_id });
      expect(payload).toMatchObject({ nonce, c_hash: leftHalf(code), at_hash: leftHalf(accessToken) });
      const validated = await oauth.validateCodeIdTokenResponse(as, legacy, asRequest(received), nonce, state, undefined, insecure);
      const redeemed = await oauth.authorizationCodeGrantRequest(as, legacy, basic, validated, `${callback.base}/cb`, oauth.nopkce, insecure);
      secrets.push(...Object.values(await oauth.processAuthorizationCodeResponse(as, legacy, redeemed, { expectedNonce: nonce })).filter((v): v is string => typeof v === 'string'));
      expect((await api(accessToken)).status).toBe(200);

      const ct = await inBrowser(authorizationUrl(legacy, { response_type: 'code token', response_mode: 'form_post', state, nonce }));
      expect([...ct.received.params.keys()]).toEqual(['code', 'access_token', 'token_type', 'expires_in', 'scope', 'state', 'iss']);
      secrets.push(ct.received.params.get('code')!, ct.received.params.get('access_token')!);
    });

    it('a third-party app: the consent screen’s Allow answers a hybrid request by form post (and Cancel with access_denied)', async () => {
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const url = authorizationUrl(thirdParty, { response_type: 'code id_token', response_mode: 'form_post', state, nonce, scope: 'openid profile' });
      await page.goto(url.href);
      await page.waitForURL((u) => u.pathname === '/consent');
      let arrived = callback.next();
      await page.locator('button[name=decision][value=deny]').click();
      let received = await arrived;
      expect(received.method).toBe('POST');
      expect(Object.fromEntries(received.params)).toMatchObject({ error: 'access_denied', state, iss: portal.issuer });
      // Let the browser finish arriving at the app before the next navigation starts.
      await page.waitForURL((u) => u.origin === callback.base);

      await page.goto(url.href);
      await page.waitForURL((u) => u.pathname === '/consent');
      arrived = callback.next();
      await page.locator('button[name=decision][value=allow]').click();
      received = await arrived;
      secrets.push(received.params.get('code')!, received.params.get('id_token')!);
      await oauth.validateCodeIdTokenResponse(as, thirdParty, asRequest(received), nonce, state, undefined, insecure);
      await page.waitForURL((u) => u.origin === callback.base);
    });

    it('with scripts off the person sees the Continue button, and pressing it POSTs the same form', async () => {
      const quiet = await browser.newContext({ ...devices['Desktop Chrome'], javaScriptEnabled: false });
      try {
        await quiet.addCookies(await context.cookies());
        const p = await quiet.newPage();
        const nonce = oauth.generateRandomNonce();
        await p.goto(authorizationUrl(legacy, { response_type: 'id_token', response_mode: 'form_post', nonce, scope: 'openid' }).href);
        const button = p.getByRole('button', { name: 'Continue' });
        expect(await button.isVisible()).toBe(true);
        const arrived = callback.next();
        await button.click();
        const received = await arrived;
        expect(received.method).toBe('POST');
        secrets.push(received.params.get('id_token')!);
        expect(decodeJwt(received.params.get('id_token')!).nonce).toBe(nonce);
      } finally {
        await quiet.close();
      }
    });

    it('refused by form post: no nonce, response_mode=query (and none at all) for id_token, a flow the client has not enabled', async () => {
      const state = oauth.generateRandomState();
      const cases: [oauth.Client, Record<string, string | undefined>, string][] = [
        [legacy, { response_type: 'id_token', response_mode: 'form_post' }, 'invalid_request'],
        [legacy, { response_type: 'code id_token', response_mode: 'form_post' }, 'invalid_request'],
        [legacy, { response_type: 'id_token', response_mode: 'query', nonce: 'n' }, 'invalid_request'],
        [legacy, { response_type: 'id_token token', nonce: 'n' }, 'invalid_request'],
        [codeOnly, { response_type: 'id_token', response_mode: 'form_post', nonce: 'n' }, 'unauthorized_client'],
        [codeOnly, { response_type: 'code id_token', response_mode: 'form_post', nonce: 'n' }, 'unauthorized_client'],
      ];
      for (const [client, params, error] of cases) {
        const { received } = await inBrowser(authorizationUrl(client, { ...params, state }));
        expect(received.method, JSON.stringify(params)).toBe('POST');
        expect(Object.fromEntries(received.params)).toMatchObject({ error, state, iss: portal.issuer });
        expect(received.params.has('id_token') || received.params.has('code')).toBe(false);
      }
      // Pure OAuth implicit is not offered at all (RFC 9700 §2.1.2): unsupported_response_type, by query.
      const token = await inBrowser(authorizationUrl(codeOnly, { response_type: 'token', state }));
      expect(token.received.method).toBe('GET');
      expect(token.received.params.get('error')).toBe('unsupported_response_type');
    });
  });

  describe.skipIf(skip)('the example API (GET /api/devices)', () => {
    async function webTokens(client: oauth.Client, scope: string) {
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const { received } = await inBrowser(authorizationUrl(client, { response_type: 'code', state, scope, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }));
      const params = oauth.validateAuthResponse(as, client, received.url, state);
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, basic, params, `${callback.base}/cb`, verifier, insecure));
      secrets.push(params.get('code')!, tokens.access_token);
      return tokens;
    }

    it('the kiosk (device flow, scope devices:read) lists its devices, itself current; CORS for its web origin', async () => {
      const d = await startDevice(portal.issuer, { deviceName: 'Lobby kiosk', deviceModel: 'Pi 5', scope: `openid profile offline_access ${DEVICES_API.scope}` });
      const phone = await browser.newContext({ ...devices['Pixel 7'] });
      try {
        await approveOnPhone(phone, { url: d.authorization.verification_uri_complete! });
      } finally {
        await phone.close();
      }
      const result = await d.result;
      if (result.status !== 'approved') throw new Error(`device flow ${result.status}`);
      secrets.push(result.tokens.access_token, result.tokens.refresh_token!);
      expect(decodeJwt(result.tokens.access_token).aud).toEqual([portal.issuer, DEVICES_API.audience]);
      const r = await api(result.tokens.access_token, 'http://kiosk.local:8080');
      expect(r.status).toBe(200);
      expect(r.cors).toBe('*');
      expect(r.body.devices).toEqual(expect.arrayContaining([expect.objectContaining({ deviceName: 'Lobby kiosk', deviceModel: 'Pi 5', app: { clientId: 'tv-kiosk', name: 'Pairgate TV' }, current: true })]));
    }, 60_000);

    it('refused with the RFC 6750 challenge: no token, expired, wrong audience, missing scope', async () => {
      const none = await api(undefined);
      expect(none.status).toBe(401);
      expect(none.challenge).toBe(`Bearer realm="${DEVICES_API.audience}"`);

      // Expired: a token the portal itself signed (its current key, from the shared store), an hour old.
      const key = await createKeyRing(store, defaults.keyCacheSeconds).signingKey();
      const live = await webTokens(web, 'openid devices:read');
      const claims = decodeJwt(live.access_token);
      const past = Math.floor(Date.now() / 1000) - 3600;
      const expired = await new SignJWT({ ...claims, iat: past, exp: past + 600 }).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' }).sign(key.privateKey);
      const e = await api(expired);
      expect(e.status).toBe(401);
      expect(e.challenge).toMatch(/^Bearer realm="urn:pairgate:api:devices", error="invalid_token", error_description="The access token has expired."$/);
      expect((await api(live.access_token)).status).toBe(200);

      // Wrong audience: a client registered for no API gets tokens for this server only.
      const foreign = await webTokens(codeOnly, 'openid devices:read');
      expect(decodeJwt(foreign.access_token).aud).toBe(portal.issuer);
      const w = await api(foreign.access_token);
      expect(w.status).toBe(401);
      expect(w.challenge).toMatch(/error="invalid_token", error_description="The access token is not meant for this API."/);

      // Missing scope: the API's audience, but devices:read was not asked for.
      const narrow = await webTokens(web, 'openid profile');
      const s = await api(narrow.access_token);
      expect(s.status).toBe(403);
      expect(s.body.error).toBe('insufficient_scope');
      expect(s.challenge).toMatch(/error="insufficient_scope".*scope="devices:read"/);
    });
  });
});
