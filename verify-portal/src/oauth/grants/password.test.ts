/** The password grant (RFC 6749 §4.3): opt-in per client, with the sign-in page's limits. */
import { GrantType } from '@pairgate/shared';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../crypto/hash';
import { TEST_PASSWORD } from '../../crypto/test-support';
import { signInLimits } from '../../limits/rules';
import { admitSignIn, signInFailed, signInSubjects } from '../../limits/sign-in';
import { serveFetch } from '../http/fetch-adapter';
import { createProvider } from '../provider';
import { CONFIDENTIAL_SECRET, createTestCore, ISSUER } from '../test-support';

let t: Awaited<ReturnType<typeof createTestCore>>;
const PASSWORD = TEST_PASSWORD; // test-support's user
const auth = { authorization: `Basic ${Buffer.from(`legacy:${CONFIDENTIAL_SECRET}`).toString('base64')}` };

beforeEach(async () => {
  t = await createTestCore();
  await t.store.upsertClient({
    clientId: 'legacy', name: 'Legacy app', type: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic', secretHash: hashSecret(CONFIDENTIAL_SECRET),
    grantTypes: [GrantType.Password, GrantType.RefreshToken], redirectUris: [], scopes: ['openid', 'profile', 'email', 'offline_access'], firstParty: true, createdAt: t.clock.now,
  });
});
afterEach(() => t.close());

const password = (form: Record<string, string>, headers: Record<string, string> = auth) => t.post('/oauth/token', { grant_type: 'password', ...form }, headers);
/** The same from another client address (the test core's `post` always uses 203.0.113.7). */
const passwordFrom = async (address: string, form: Record<string, string>) => {
  const request = new Request(`${ISSUER}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth },
    body: new URLSearchParams({ grant_type: 'password', ...form }),
  });
  return (await serveFetch(t.core.handle, request, address)).status;
};

describe('token endpoint: password grant', () => {
  it('signs the person in: access, ID and refresh tokens, a grant like any sign-in', async () => {
    const r = await password({ username: ' ADA@example.com ', password: PASSWORD, scope: 'openid profile offline_access' });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile offline_access', refresh_token: expect.any(String), id_token: expect.any(String) });
    expect(decodeJwt(r.body.id_token as string)).toMatchObject({ iss: ISSUER, sub: t.user.id, aud: 'legacy', name: 'Ada' });
    expect((await t.get('/userinfo', { authorization: `Bearer ${r.body.access_token as string}` })).body).toMatchObject({ sub: t.user.id });
    const refreshed = await t.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: r.body.refresh_token as string }, auth);
    expect(refreshed.status).toBe(200);
    expect((await t.store.listActiveGrants(t.user.id)).map((g) => g.clientId)).toContain('legacy');
  });

  it("gives the person's access token the client's APIs as audience, like the other grants", async () => {
    const legacy = await t.store.findClient('legacy');
    await t.store.upsertClient({ ...legacy!, allowedAudiences: ['https://api.example.com'] });
    const r = await password({ username: 'ada@example.com', password: PASSWORD, scope: 'openid' });
    expect(decodeJwt(r.body.access_token as string).aud).toEqual([ISSUER, 'https://api.example.com']);
  });

  it('makes a hash weaker than the configured cost again when the person signs in', async () => {
    // The test core hashes at 2^10; a provider asking for 2^11 upgrades on the next sign-in.
    const stronger = createProvider({ store: t.store, issuer: ISSUER, settings: { scryptLog2N: 11 }, onUnexpectedError: () => {} });
    try {
      const request = new Request(`${ISSUER}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth },
        body: new URLSearchParams({ grant_type: 'password', username: t.user.email, password: PASSWORD }),
      });
      expect((await serveFetch(stronger.handle, request, '198.51.100.4')).status).toBe(200);
      expect((await t.store.findUserById(t.user.id))?.passwordHash).toMatch(/^scrypt\$2048\$8\$1\$/);
    } finally {
      stronger.close();
    }
  });

  it('a wrong password and an unknown account get the same invalid_grant', async () => {
    const wrong = await password({ username: t.user.email, password: 'nope' });
    const unknown = await password({ username: 'nobody@example.com', password: 'nope' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'The username or password is wrong.' });
    expect(unknown.body).toEqual(wrong.body);
  });

  it('is off unless the client registered it: unauthorized_client', async () => {
    const web = { authorization: `Basic ${Buffer.from(`web:${CONFIDENTIAL_SECRET}`).toString('base64')}` };
    expect((await password({ username: t.user.email, password: PASSWORD }, web)).body.error).toBe('unauthorized_client');
    expect((await t.post('/oauth/token', { grant_type: 'password', client_id: 'tv', username: t.user.email, password: PASSWORD })).body.error).toBe('unauthorized_client');
  });

  it('needs username and password; scope within the client’s', async () => {
    expect((await password({ password: PASSWORD })).body).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/username/) });
    expect((await password({ username: t.user.email })).body).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/password/) });
    expect((await password({ username: t.user.email, password: PASSWORD, scope: 'admin' })).body.error).toBe('invalid_scope');
    expect((await password({ username: t.user.email, password: PASSWORD }, {})).body.error).toBe('invalid_request');
    expect((await password({ client_id: 'legacy', username: t.user.email, password: PASSWORD }, {})).status).toBe(401);
  });

  it('per account: five free failures, then a doubling delay; Retry-After exact to the second; the right password after it', async () => {
    for (let i = 0; i < 5; i++) expect((await password({ username: t.user.email, password: `wrong-${i}` })).body.error).toBe('invalid_grant');
    // The fifth failure set a 1 s wait, the sixth 2 s, the seventh 4 s.
    for (const wait of [1, 2, 4]) {
      const blocked = await password({ username: t.user.email, password: PASSWORD });
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual({ error: 'temporarily_unavailable', error_description: 'Too many failed sign-ins; try again later.' });
      expect(blocked.headers.get('retry-after')).toBe(String(wait));
      expect(blocked.headers.get('cache-control')).toBe('no-store');
      t.clock.advance(wait - 0.001);
      expect((await password({ username: t.user.email, password: PASSWORD })).status).toBe(429); // a millisecond early
      t.clock.advance(0.001);
      expect((await password({ username: t.user.email, password: `wrong-${wait}` })).body.error).toBe('invalid_grant');
    }
    // Another account from the same address is not held back.
    expect((await password({ username: 'other@example.com', password: 'x' })).body.error).toBe('invalid_grant');
    // The owner, after the current wait (8 s), gets in; success ends the run: five free failures again.
    t.clock.advance(8);
    expect((await password({ username: t.user.email, password: PASSWORD })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await password({ username: t.user.email, password: `again-${i}` })).body.error).toBe('invalid_grant');
  });

  it('shares its counts with the sign-in page: failures there slow this down (same rules, same subjects)', async () => {
    const subjects = signInSubjects(t.user.email, '198.51.100.9');
    for (let i = 0; i < 6; i++) await admitSignIn(t.store, subjects, t.clock.now);
    expect((await password({ username: t.user.email, password: PASSWORD })).status).toBe(429);
  });

  it('per network: 30 failures across accounts from one /24 block every account from it, not other networks', async () => {
    for (let i = 0; i < signInLimits.perNetwork.limit; i++) await signInFailed(t.store, signInSubjects(`user${i}@example.com`, `203.0.113.${i}`), t.clock.now);
    const blocked = await password({ username: t.user.email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toBe('temporarily_unavailable');
    expect(await passwordFrom('198.51.100.1', { username: t.user.email, password: PASSWORD })).toBe(200);
  });
});
