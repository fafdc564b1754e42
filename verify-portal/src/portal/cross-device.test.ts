/**
 * The portal's side of cross-device protection (RFC 10027), in-process on the real core and a
 * SQLite `:memory:` store: the confirm screen each policy shows, the number pick and its form,
 * the refusal page, and "This wasn't me" on the result page and on Devices and apps. The device
 * asked from 198.51.100.77; the phone is next to it at 198.51.100.1 or away at 203.0.113.5.
 */
import { GrantType } from '@pairgate/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../crypto/hash';
import { createInProcessDeviceEvents, signInTopic, type DeviceEvent, type DeviceEvents } from '../oauth/device-events';
import { createProvider, type Provider } from '../oauth/provider';
import { openSqliteStore } from '../store/sqlite';
import type { ClientRecord, DeviceCodeRecord, Store } from '../store/store';
import { portalDefaults } from './defaults';
import { formHandlerFor } from './forms/index';
import type { FormContext, FormResult } from './forms/types';
import { createPortalLoaders } from './loaders/index';
import type { PageRequest, PortalLoaders } from './loaders/types';
import { cookieNames, createSession, csrfToken, newSecret, parseSessionData } from './session';

const T0 = Date.UTC(2026, 0, 1, 12);
const NEAR = '198.51.100.1';
const AWAY = '203.0.113.5';
const names = cookieNames(false);
let store: Store;
let provider: Provider;
let events: DeviceEvents;
let loaders: PortalLoaders;
let ctx: FormContext;
let now: number;

beforeEach(async () => {
  now = T0;
  store = openSqliteStore(':memory:');
  await store.migrate();
  await store.createUser({ id: 'u1', email: 'ada@example.com', name: 'Ada', passwordHash: 'unused', createdAt: T0 });
  await policy({});
  events = createInProcessDeviceEvents();
  provider = createProvider({ store, issuer: 'http://portal.test', events, now: () => now, onUnexpectedError: () => {} });
  loaders = createPortalLoaders({ store, provider, secure: false });
  ctx = { store, provider, secure: false, names, settings: portalDefaults };
});

afterEach(async () => {
  provider.close();
  await store.close();
});

async function policy(fields: Partial<ClientRecord>): Promise<void> {
  await store.upsertClient({
    clientId: 'tv', name: 'Pairgate TV', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null,
    grantTypes: [GrantType.DeviceCode, GrantType.RefreshToken], redirectUris: [], scopes: ['openid', 'profile', 'offline_access'], firstParty: true, createdAt: T0,
    ...fields,
  });
}

/** A signed-in phone at `address` that has entered the code and is on its confirm screen. */
async function phone(address: string, code: DeviceCodeRecord) {
  const { secret, record } = await createSession(store, 'u1', now, portalDefaults.sessionTtlMs);
  const cookies = new Map([[names.session, secret]]);
  const csrf = csrfToken(secret, 'session');
  const req = (): PageRequest => ({ sessionSecret: secret, preSessionSecret: undefined, clientIp: address, now });
  const post = (path: string, form: Record<string, string>): Promise<FormResult> =>
    formHandlerFor(path)!(ctx, { path, form: new URLSearchParams({ csrf, ...form }), cookies, clientIp: address, now });
  expect(await post('/activate', { user_code: code.userCode })).toMatchObject({ location: '/activate/confirm' });
  const data = async () => parseSessionData((await store.findSession(record.idHash, now))?.data ?? '{}');
  return { req, post, data };
}

async function deviceCode(): Promise<DeviceCodeRecord & { heard: DeviceEvent[] }> {
  const record: DeviceCodeRecord = {
    deviceCodeHash: hashSecret(newSecret()), userCode: 'BCDFGHJK', clientId: 'tv', scope: 'openid profile offline_access',
    deviceName: 'Living room TV', deviceModel: null, clientIp: '198.51.100.77', createdAt: now, expiresAt: now + 600_000,
    interval: 5, lastPolledAt: null, status: 'pending', userId: null, decidedAt: null,
  };
  expect(await store.insertDeviceCode(record)).toBe(true);
  const heard: DeviceEvent[] = [];
  events.subscribe(record.deviceCodeHash, (e) => heard.push(e));
  return { ...record, heard };
}

const status = async (code: DeviceCodeRecord) => (await store.findDeviceCode(code.deviceCodeHash))?.status;

describe('step-up: the number-matching screen and its form', () => {
  beforeEach(() => policy({ proximity: 'step-up' }));

  it('a phone away gets three numbers (the same on a reload), never the answer; Approve alone goes back to the choices', async () => {
    const code = await deviceCode();
    const p = await phone(AWAY, code);
    const screen = await loaders.confirmScreen(p.req());
    if (screen.kind !== 'confirm') throw new Error(screen.kind);
    expect(screen.details).toMatchObject({ step: 'match', network: 'different', limited: false });
    expect(screen.details.choices).toHaveLength(3);
    expect(await loaders.confirmScreen(p.req())).toMatchObject({ details: { choices: screen.details.choices } });
    expect(code.heard).toEqual(['opened', 'opened']);

    expect(await p.post('/activate/confirm', { user_code: code.userCode, decision: 'approve' })).toEqual({ kind: 'redirect', location: '/activate/confirm' });
    expect(await status(code)).toBe('pending');
  });

  it('the right pick approves; the answer is the server’s, not the form’s', async () => {
    const code = await deviceCode();
    const p = await phone(AWAY, code);
    await loaders.confirmScreen(p.req());
    const { number } = (await store.findDeviceCode(code.deviceCodeHash))!.numberMatch!;
    expect(await p.post('/activate/confirm', { user_code: code.userCode, decision: 'pick', number })).toEqual({ kind: 'redirect', location: '/activate/done' });
    expect(await store.findDeviceCode(code.deviceCodeHash)).toMatchObject({ status: 'approved', approval: { proximity: 'remote', policy: 'step-up', numberMatched: true } });
    expect((await p.data()).result?.kind).toBe('approved');
  });

  it('a wrong pick denies the code and says so; malformed picks are a 400 that changes nothing', async () => {
    const code = await deviceCode();
    const p = await phone(AWAY, code);
    const screen = await loaders.confirmScreen(p.req());
    for (const number of ['', '7', '100', '4a', ' 42']) {
      expect(await p.post('/activate/confirm', { user_code: code.userCode, decision: 'pick', number })).toMatchObject({ kind: 'page', status: 400 });
    }
    expect(await status(code)).toBe('pending');
    const { number } = (await store.findDeviceCode(code.deviceCodeHash))!.numberMatch!;
    const wrong = screen.kind === 'confirm' ? screen.details.choices!.find((c) => c !== number)! : '';
    await p.post('/activate/confirm', { user_code: code.userCode, decision: 'pick', number: wrong });
    expect(await status(code)).toBe('denied');
    expect(code.heard).toEqual(['opened', 'denied']);
    expect((await p.data()).result).toEqual({ kind: 'wrong-number' });
  });

  it('a phone next to the device gets plain Approve and Deny', async () => {
    const code = await deviceCode();
    const p = await phone(NEAR, code);
    expect(await loaders.confirmScreen(p.req())).toMatchObject({ details: { step: 'approve', choices: undefined } });
  });
});

describe('deny: the refusal page', () => {
  it('a phone away sees the refusal (again on a reload), and the device is denied', async () => {
    await policy({ proximity: 'deny' });
    const code = await deviceCode();
    const p = await phone(AWAY, code);
    expect(await loaders.confirmScreen(p.req())).toMatchObject({ kind: 'result', result: { kind: 'refused' } });
    expect(await loaders.confirmScreen(p.req())).toMatchObject({ kind: 'result', result: { kind: 'refused' } });
    expect(await status(code)).toBe('denied');
    expect(code.heard).toEqual(['denied']);
  });
});

describe('warn: the warning and a limited grant', () => {
  it('a phone away is warned and shown the fewer scopes it would grant', async () => {
    await policy({ proximity: 'warn', remoteScopes: ['openid'] });
    const code = await deviceCode();
    const p = await phone(AWAY, code);
    expect(await loaders.confirmScreen(p.req())).toMatchObject({ details: { step: 'warn', limited: true, scopes: ['openid'] } });
  });
});

describe("This wasn't me", () => {
  it('on the result page right after approving: the approval is taken back and the page says so', async () => {
    const code = await deviceCode();
    const p = await phone(NEAR, code);
    await loaders.confirmScreen(p.req());
    await p.post('/activate/confirm', { user_code: code.userCode, decision: 'approve' });
    expect(await loaders.doneScreen(p.req())).toMatchObject({ result: { kind: 'approved' }, canDisown: true });

    expect(await p.post('/activate/done', {})).toEqual({ kind: 'redirect', location: '/activate/done' });
    expect(await status(code)).toBe('denied');
    expect(code.heard).toEqual(['opened', 'approved', 'denied']);
    expect(await loaders.doneScreen(p.req())).toMatchObject({ result: { kind: 'disowned' }, canDisown: false });
    // Nothing left to take back; a form without a CSRF token changes nothing.
    expect(await p.post('/activate/done', {})).toMatchObject({ kind: 'page', status: 400 });
    expect(await formHandlerFor('/activate/done')!(ctx, { path: '/activate/done', form: new URLSearchParams(), cookies: new Map(), clientIp: NEAR, now })).toMatchObject({ kind: 'redirect', location: '/login?next=%2Factivate' });
  });

  it('on Devices and apps: where it was approved from, and one button that ends it and tells the screen', async () => {
    const code = await deviceCode();
    const p = await phone(AWAY, code);
    await loaders.confirmScreen(p.req());
    const approved = await provider.approve(code.userCode, 'u1', { address: AWAY });
    if (!approved.ok) throw new Error(approved.reason);
    const grantId = approved.record.approval!.grantId;
    await store.redeemDeviceCode(code.deviceCodeHash, { id: grantId, userId: 'u1', clientId: 'tv', scope: 'openid', deviceName: 'Living room TV', deviceModel: null, authTime: now, createdAt: now, lastUsedAt: now, revokedAt: null, approval: { proximity: 'remote', policy: 'warn', numberMatched: false } }, now);
    const ended: DeviceEvent[] = [];
    events.subscribe(signInTopic(grantId), (e) => ended.push(e));

    const overview = await loaders.accountOverview(p.req());
    expect(overview.kind === 'account' && overview.devices).toEqual([expect.objectContaining({ grantId, approvedFrom: 'remote', limited: false })]);
    expect(await p.post('/account/devices', { grant_id: grantId, disown: '1' })).toEqual({ kind: 'redirect', location: '/account/devices' });
    expect((await store.findGrant(grantId))?.revokedAt).toBe(now);
    expect(ended).toEqual(['ended']);
    expect(await loaders.accountOverview(p.req())).toMatchObject({ notice: 'device-disowned', devices: [] });
  });
});
