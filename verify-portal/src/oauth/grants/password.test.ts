/** The password grant (RFC 6749 §4.3): opt-in per client, with the sign-in page's limits. */
import { GrantType } from '@pairgate/shared';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../crypto/hash';
import { recordFailure } from '../../limits/rate-limit';
import { signInLimits } from '../../limits/rules';
import { CONFIDENTIAL_SECRET, createTestCore, ISSUER } from '../test-support';

let t: Awaited<ReturnType<typeof createTestCore>>;
const PASSWORD = 'unused-password'; // test-support's user
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

  it('per account: after 10 failures even the right password is refused with 429 and Retry-After', async () => {
    for (let i = 0; i < signInLimits.perAccount.limit; i++) {
      expect((await password({ username: t.user.email, password: `wrong-${i}` })).body.error).toBe('invalid_grant');
    }
    const blocked = await password({ username: t.user.email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toBe('temporarily_unavailable');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.headers.get('cache-control')).toBe('no-store');
    // Another account from the same address is still fine.
    expect((await password({ username: 'other@example.com', password: 'x' })).body.error).toBe('invalid_grant');
    // The window slides on.
    t.clock.advance(Number(blocked.headers.get('retry-after')) + 15 * 60);
    expect((await password({ username: t.user.email, password: PASSWORD })).status).toBe(200);
  });

  it('shares its counts with the sign-in page: failures there block here (same rules, same subjects)', async () => {
    const checks = [{ rule: signInLimits.perAccount, subject: hashSecret(t.user.email) }];
    for (let i = 0; i < signInLimits.perAccount.limit; i++) await recordFailure(t.store, checks, t.clock.now);
    expect((await password({ username: t.user.email, password: PASSWORD })).status).toBe(429);
  });

  it('per address: 30 failures across accounts block every account from that address', async () => {
    for (let i = 0; i < signInLimits.perIp.limit; i++) await recordFailure(t.store, [{ rule: signInLimits.perIp, subject: '203.0.113.7' }], t.clock.now);
    const blocked = await password({ username: t.user.email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toBe('temporarily_unavailable');
  });
});
