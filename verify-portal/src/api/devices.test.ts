/**
 * The example API in-process (RFC 9068 §4 checks, RFC 6750 §3 challenges) with tokens from the
 * test core's own key ring.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveFetch } from '../oauth/http/fetch-adapter';
import { createTestCore, ISSUER } from '../oauth/test-support';
import { signAccessToken } from '../oauth/tokens/issue';
import { createDevicesApi, DEVICES_API } from './devices';

let t: Awaited<ReturnType<typeof createTestCore>>;
let api: ReturnType<typeof createDevicesApi>;
const unexpected: unknown[] = [];

beforeEach(async () => {
  t = await createTestCore();
  api = createDevicesApi({ store: t.store, issuer: ISSUER, jwks: () => t.core.keys.jwks(), now: () => t.clock.now, onUnexpected: (e) => unexpected.push(e) });
  const grant = (id: string, clientId: string, deviceName: string | null, createdAt: number) =>
    t.store.createGrant({ id, userId: t.user.id, clientId, scope: 'openid', deviceName, deviceModel: deviceName && 'Model X', authTime: createdAt, createdAt, lastUsedAt: null, revokedAt: null });
  await grant('g-tv', 'tv', 'Living room TV', t.clock.now - 60_000);
  await grant('g-desktop', 'desktop', null, t.clock.now);
});
afterEach(async () => {
  await t.close();
  expect(unexpected).toEqual([]);
});

async function token(over: { audience?: string[]; scope?: string[]; grant?: string | null } = {}): Promise<string> {
  const client = (await t.store.findClient('tv'))!;
  const grantId = over.grant === undefined ? 'g-tv' : over.grant;
  const { token } = await signAccessToken(t.core.context, {
    client,
    subject: grantId === null ? 'tv' : t.user.id,
    scope: over.scope ?? ['openid', DEVICES_API.scope],
    audience: over.audience ?? [ISSUER, DEVICES_API.audience],
    ...(grantId === null ? {} : { grant: { id: grantId, authTime: t.clock.now } }),
  });
  return token;
}

async function call(init: { method?: string; authorization?: string; path?: string } = {}) {
  const headers: Record<string, string> = init.authorization ? { authorization: init.authorization } : {};
  const response = await serveFetch(api, new Request(`${ISSUER}${init.path ?? DEVICES_API.path}`, { method: init.method ?? 'GET', headers }), '203.0.113.9');
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

describe('GET /api/devices', () => {
  it('a valid token: the person’s active sign-ins (app, device, approved, last used), never a token; no-store, CORS', async () => {
    const r = await call({ authorization: `Bearer ${await token()}` });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.body).toEqual({
      devices: [
        { id: 'g-desktop', app: { clientId: 'desktop', name: 'Desktop' }, deviceName: null, deviceModel: null, approvedAt: new Date(t.clock.now).toISOString(), lastUsedAt: null, current: false },
        { id: 'g-tv', app: { clientId: 'tv', name: 'TV' }, deviceName: 'Living room TV', deviceModel: 'Model X', approvedAt: new Date(t.clock.now - 60_000).toISOString(), lastUsedAt: null, current: true },
      ],
    });
  });

  it('no token → 401 with a bare challenge (RFC 6750 §3.1); a malformed header → 400 invalid_request', async () => {
    const none = await call();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="${DEVICES_API.audience}"`);
    expect(none.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    const malformed = await call({ authorization: 'Basic abc' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('expired, wrong audience, forged → 401 invalid_token; missing scope → 403 insufficient_scope naming it', async () => {
    const expired = await token();
    t.clock.advance(601);
    const a = await call({ authorization: `Bearer ${expired}` });
    expect(a.status).toBe(401);
    expect(a.headers.get('www-authenticate')).toMatch(/error="invalid_token", error_description="The access token has expired."/);

    const b = await call({ authorization: `Bearer ${await token({ audience: [ISSUER] })}` });
    expect(b.status).toBe(401);
    expect(b.headers.get('www-authenticate')).toMatch(/error="invalid_token".*not meant for this API/);

    const good = await token();
    const forged = `${good.slice(0, -4)}AAAA`;
    expect((await call({ authorization: `Bearer ${forged}` })).status).toBe(401);

    const c = await call({ authorization: `Bearer ${await token({ scope: ['openid'] })}` });
    expect(c.status).toBe(403);
    expect(c.body.error).toBe('insufficient_scope');
    expect(c.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="devices:read"/);
  });

  it('a signed-out sign-in’s token, and a client’s own token (no person), → 401 invalid_token', async () => {
    const live = await token();
    await t.store.revokeGrant('g-tv', t.clock.now);
    const revoked = await call({ authorization: `Bearer ${live}` });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect((await call({ authorization: `Bearer ${await token({ grant: null })}` })).status).toBe(401);
  });

  it('a token in the query is refused; CORS preflight; other methods 405', async () => {
    const q = await call({ path: `${DEVICES_API.path}?access_token=${await token()}` });
    expect(q.status).toBe(400);
    const pre = await call({ method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toBe('Authorization');
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const post = await call({ method: 'POST', authorization: `Bearer ${await token()}` });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
