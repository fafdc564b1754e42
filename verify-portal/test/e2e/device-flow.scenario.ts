import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo } from '../../src/admin/demo';
import { createProvider, type Provider } from '../../src/oauth/provider';
import { openStore } from '../../src/store';
import type { Store } from '../../src/store/store';
import { startPortal, type RunningPortal } from '../support/portal';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const POLL_INTERVAL_SECONDS = 1;

/**
 * The device flow end to end over real HTTP: the portal runs as its own process; a standard
 * client library (oauth4webapi) plays the device; the test approves through the core on the
 * same database, as the portal pages will.
 */
export function deviceFlowEndToEnd(name: string, postgresUrl: string | undefined) {
  describe(`device flow end to end (${name})`, () => {
    let portal: RunningPortal;
    let store: Store;
    let core: Provider;
    let as: oauth.AuthorizationServer;
    const client: oauth.Client = { client_id: demo.kioskClientId };
    const auth = oauth.None();
    const insecure = { [oauth.allowInsecureRequests]: true } as const;
    let demoUserId: string;

    beforeAll(async () => {
      // A 1 s poll interval (PAIRGATE_POLL_INTERVAL_SECONDS), so nothing here waits out 5 s ones.
      portal = await startPortal({ ...(postgresUrl ? { postgresUrl } : {}), env: { PAIRGATE_POLL_INTERVAL_SECONDS: String(POLL_INTERVAL_SECONDS) } });
      store = openStore(portal.env.DATABASE_URL, `${portal.env.PAIRGATE_DATA_DIR}/pairgate.db`);
      core = createProvider({ store, issuer: portal.issuer });
      const issuer = new URL(portal.issuer);
      as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
      const user = await store.findUserByEmail(demo.user.email);
      if (!user) throw new Error('demo user was not seeded');
      demoUserId = user.id;
    });

    afterAll(async () => {
      core?.close();
      await store?.close();
      await portal?.stop();
    });

    async function requestCode(params: Record<string, string> = {}) {
      const response = await oauth.deviceAuthorizationRequest(as, client, auth, { scope: 'openid profile email offline_access', ...params }, insecure);
      return oauth.processDeviceAuthorizationResponse(as, client, response);
    }

    async function poll(deviceCode: string) {
      return oauth.processDeviceCodeResponse(as, client, await oauth.deviceCodeGrantRequest(as, client, auth, deviceCode, insecure));
    }

    async function pollError(deviceCode: string): Promise<string> {
      try {
        await poll(deviceCode);
      } catch (err) {
        if (err instanceof oauth.ResponseBodyError) return err.error;
        throw err;
      }
      throw new Error('expected an error response');
    }

    it('discovery advertises the device flow and only what is supported', () => {
      expect(as.device_authorization_endpoint).toBe(`${portal.issuer}/oauth/device/code`);
      expect(as.grant_types_supported).toEqual(['authorization_code', DEVICE_GRANT, 'refresh_token', 'client_credentials', 'password']);
      expect(as.authorization_endpoint).toBe(`${portal.issuer}/oauth/authorize`);
      expect(as.response_types_supported).toContain('code');
      expect(as.code_challenge_methods_supported).toEqual(['S256']);
      // The example API's scope, so a client can tell it may ask for it.
      expect(as.scopes_supported).toEqual(['openid', 'profile', 'email', 'offline_access', 'devices:read']);
    });

    it('runs the whole flow: pending, slow_down, approval, tokens, refresh rotation, reuse detection, revocation', async () => {
      const code = await requestCode({ device_name: 'Living room TV', device_model: 'Pairgate Stick 2' });
      expect(code.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      expect(code.verification_uri).toBe(`${portal.issuer}/activate`);
      expect(code.verification_uri_complete).toBe(`${portal.issuer}/activate?user_code=${code.user_code}`);
      expect(code.expires_in).toBe(600);
      expect(code.interval).toBe(POLL_INTERVAL_SECONDS);
      expect(Buffer.from(code.device_code, 'base64url').length).toBeGreaterThanOrEqual(32);

      expect(await pollError(code.device_code)).toBe('authorization_pending');
      // Polled again at once, before the interval has passed.
      expect(await pollError(code.device_code)).toBe('slow_down');

      const lookup = await core.lookupUserCode(code.user_code.toLowerCase().replace('-', ' '));
      expect(lookup.ok && lookup.record.deviceName).toBe('Living room TV');
      // RFC 8628 §3.5: slow_down added 5 s to the interval for this and every later poll.
      expect(lookup.ok && lookup.record.interval).toBe(POLL_INTERVAL_SECONDS + 5);
      const approved = await core.approve(code.user_code, demoUserId);
      expect(approved.ok).toBe(true);

      // An approved code is never slowed down: the device, told of the approval by push, polls at
      // once and gets its tokens (waiting out the raised interval would only delay the sign-in).
      const tokens = await poll(code.device_code);
      expect(tokens.token_type.toLowerCase()).toBe('bearer');
      expect(tokens.refresh_token).toBeTypeOf('string');
      expect(tokens.scope).toBe('openid profile email offline_access');

      // ID token and access token verify against the published JWKS.
      const jwks = createRemoteJWKSet(new URL(as.jwks_uri!));
      const idToken = await jwtVerify(tokens.id_token!, jwks, { issuer: portal.issuer, audience: client.client_id });
      expect(idToken.payload).toMatchObject({ sub: demoUserId, name: demo.user.name, email: demo.user.email });
      const accessToken = await jwtVerify(tokens.access_token, jwks, { issuer: portal.issuer, typ: 'at+jwt' });
      expect(accessToken.payload).toMatchObject({ sub: demoUserId, client_id: client.client_id });
      expect(decodeProtectedHeader(tokens.access_token).alg).toBe('ES256');

      const userinfo = await oauth.processUserInfoResponse(as, client, demoUserId, await oauth.userInfoRequest(as, client, tokens.access_token, insecure));
      expect(userinfo.name).toBe(demo.user.name);

      // The code is redeemed: once only.
      expect(await pollError(code.device_code)).toBe('invalid_grant');

      // Refresh rotates the refresh token.
      const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure));
      expect(refreshed.refresh_token).toBeTypeOf('string');
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

      // Presenting the old one again is reuse: the whole family is revoked, the new one too.
      await expect(oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure))).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, refreshed.refresh_token!, insecure))).rejects.toMatchObject({ error: 'invalid_grant' });
      // …and the access tokens of that grant no longer work at userinfo.
      const revokedInfo = await oauth.userInfoRequest(as, client, refreshed.access_token, insecure);
      expect(revokedInfo.status).toBe(401);

      // Nothing secret reached the server's log.
      for (const secret of [code.device_code, tokens.refresh_token!, refreshed.refresh_token!, tokens.access_token]) {
        expect(portal.output()).not.toContain(secret);
      }
    });

    it('revocation signs the device out', async () => {
      const code = await requestCode();
      expect((await core.approve(code.user_code, demoUserId)).ok).toBe(true);
      const tokens = await poll(code.device_code);
      await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokens.refresh_token!, insecure));
      await expect(oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure))).rejects.toMatchObject({ error: 'invalid_grant' });
      // Revoking an unknown token is not an error (RFC 7009 §2.2).
      await expect(oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, 'not-a-token', insecure))).resolves.toBeUndefined();
    });

    it('denial and expiry reach the device as access_denied and expired_token', async () => {
      const denied = await requestCode();
      expect((await core.deny(denied.user_code)).ok).toBe(true);
      expect(await pollError(denied.device_code)).toBe('access_denied');
      // One decision per code.
      expect(await core.approve(denied.user_code, demoUserId)).toEqual({ ok: false, reason: 'denied' });

      const expiring = await requestCode();
      const pastExpiry = createProvider({ store, issuer: portal.issuer, now: () => Date.now() + 601_000 });
      expect(await pastExpiry.approve(expiring.user_code, demoUserId)).toEqual({ ok: false, reason: 'expired' });
      pastExpiry.close();
    });

    it('50 concurrent polls of one approved code: exactly one gets tokens', async () => {
      const code = await requestCode();
      expect((await core.approve(code.user_code, demoUserId)).ok).toBe(true);
      const body = new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: code.device_code, client_id: client.client_id });
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`${portal.issuer}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> })),
        ),
      );
      const winners = responses.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.body.access_token).toBeTypeOf('string');
      for (const loser of responses.filter((r) => r.status !== 200)) expect(loser).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'The device code is not valid.' } });
    });

    it('answers bad requests with OAuth errors, never a 500', async () => {
      const post = (body: string, type = 'application/x-www-form-urlencoded', headers: Record<string, string> = {}) =>
        fetch(`${portal.issuer}/oauth/token`, { method: 'POST', headers: { 'content-type': type, ...headers }, body }).then(async (r) => ({ status: r.status, headers: r.headers, body: (await r.json()) as { error: string } }));
      // RFC 6749 §5.2: a grant the server has but this client was not registered for.
      expect((await post('grant_type=password&client_id=tv-kiosk')).body.error).toBe('unauthorized_client');
      expect((await post('grant_type=urn:example:unknown&client_id=tv-kiosk')).body.error).toBe('unsupported_grant_type');
      expect((await post('client_id=tv-kiosk')).body.error).toBe('invalid_request');
      expect((await post('{"grant_type":"refresh_token"}', 'application/json')).body.error).toBe('invalid_request');
      const unknownClient = await post(`grant_type=${DEVICE_GRANT}&device_code=x&client_id=nope`);
      expect(unknownClient).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      const basic = await post(`grant_type=${DEVICE_GRANT}&device_code=x`, undefined, { authorization: `Basic ${Buffer.from('nope:secret').toString('base64')}` });
      expect(basic.status).toBe(401);
      expect(basic.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect((await post(`grant_type=${DEVICE_GRANT}&device_code=forged&client_id=tv-kiosk`)).body.error).toBe('invalid_grant');
      expect((await post(`grant_type=${DEVICE_GRANT}&client_id=tv-kiosk&client_id=tv-kiosk&device_code=x`)).body.error).toBe('invalid_request');
      const wrongMethod = await fetch(`${portal.issuer}/oauth/token`);
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('POST');
      const desktopDevice = await fetch(`${portal.issuer}/oauth/device/code`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=desktop-app' });
      expect(((await desktopDevice.json()) as { error: string }).error).toBe('unauthorized_client');
      const badScope = await fetch(`${portal.issuer}/oauth/device/code`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=tv-kiosk&scope=admin' });
      expect(((await badScope.json()) as { error: string }).error).toBe('invalid_scope');
    });
  });
}
