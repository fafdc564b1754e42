/**
 * The portal's side of cross-device protection (RFC 10027), in-process on the real core and a
 * SQLite `:memory:` store: the confirm screen each policy shows, the number pick and its form,
 * the refusal page, and "This wasn't me" on the result page and on Devices and apps. The device
 * asked from 198.51.100.77; the phone is next to it at 198.51.100.1 or away at 203.0.113.5.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { signInTopic, type DeviceEvent } from '../oauth/device-events';
import type { ClientRecord, DeviceCodeRecord } from '../store/store';
import { PHONE_IP as NEAR, TV_CLIENT, usePortal } from './test-support';

const AWAY = '203.0.113.5';
const portal = usePortal();

const policy = (fields: Partial<ClientRecord>) => portal.store.upsertClient({ ...TV_CLIENT, ...fields });

/** A signed-in phone at `address` that has entered the code and is on its confirm screen. */
async function phone(address: string, code: DeviceCodeRecord) {
  const session = await portal.signedIn();
  const req = () => portal.request(session.secret, address);
  const post = (path: string, form: Record<string, string>) => portal.post(path, { csrf: session.csrf, ...form }, session.cookies, address);
  expect(await post('/activate', { user_code: code.userCode })).toMatchObject({ location: '/activate/confirm' });
  return { req, post, data: () => portal.sessionData(session.idHash) };
}

async function deviceCode(): Promise<DeviceCodeRecord & { heard: DeviceEvent[] }> {
  const record = await portal.deviceCode();
  return { ...record, heard: portal.heard(record) };
}

const status = async (code: DeviceCodeRecord) => (await portal.store.findDeviceCode(code.deviceCodeHash))?.status;

describe('step-up: the number-matching screen and its form', () => {
  beforeEach(() => policy({ proximity: 'step-up' }));

  it('a phone away gets three numbers (the same on a reload), never the answer; Approve alone goes back to the choices', async () => {
    const code = await deviceCode();
    const p = await phone(AWAY, code);
    const screen = await portal.loaders.confirmScreen(p.req());
    if (screen.kind !== 'confirm') throw new Error(screen.kind);
    expect(screen.details).toMatchObject({ step: 'match', network: 'different', limited: false });
    expect(screen.details.choices).toHaveLength(3);
    expect(await portal.loaders.confirmScreen(p.req())).toMatchObject({ details: { choices: screen.details.choices } });
    expect(code.heard).toEqual(['opened', 'opened']);

    expect(await p.post('/activate/confirm', { user_code: code.userCode, decision: 'approve' })).toEqual({ kind: 'redirect', location: '/activate/confirm' });
    expect(await status(code)).toBe('pending');
  });

  it('the right pick approves; the answer is the server’s, not the form’s', async () => {
    const code = await deviceCode();
    const p = await phone(AWAY, code);
    await portal.loaders.confirmScreen(p.req());
    const { number } = (await portal.store.findDeviceCode(code.deviceCodeHash))!.numberMatch!;
    expect(await p.post('/activate/confirm', { user_code: code.userCode, decision: 'pick', number })).toEqual({ kind: 'redirect', location: '/activate/done' });
    expect(await portal.store.findDeviceCode(code.deviceCodeHash)).toMatchObject({ status: 'approved', approval: { proximity: 'remote', policy: 'step-up', numberMatched: true } });
    expect((await p.data()).result?.kind).toBe('approved');
  });

  it('a wrong pick denies the code and says so; malformed picks are a 400 that changes nothing', async () => {
    const code = await deviceCode();
    const p = await phone(AWAY, code);
    const screen = await portal.loaders.confirmScreen(p.req());
    for (const number of ['', '7', '100', '4a', ' 42']) {
      expect(await p.post('/activate/confirm', { user_code: code.userCode, decision: 'pick', number })).toMatchObject({ kind: 'page', status: 400 });
    }
    expect(await status(code)).toBe('pending');
    const { number } = (await portal.store.findDeviceCode(code.deviceCodeHash))!.numberMatch!;
    const wrong = screen.kind === 'confirm' ? screen.details.choices!.find((c) => c !== number)! : '';
    await p.post('/activate/confirm', { user_code: code.userCode, decision: 'pick', number: wrong });
    expect(await status(code)).toBe('denied');
    expect(code.heard).toEqual(['opened', 'denied']);
    expect((await p.data()).result).toEqual({ kind: 'wrong-number' });
  });

  it('a phone next to the device gets plain Approve and Deny', async () => {
    const code = await deviceCode();
    const p = await phone(NEAR, code);
    expect(await portal.loaders.confirmScreen(p.req())).toMatchObject({ details: { step: 'approve', choices: undefined } });
  });
});

describe('deny: the refusal page', () => {
  it('a phone away sees the refusal (again on a reload), and the device is denied', async () => {
    await policy({ proximity: 'deny' });
    const code = await deviceCode();
    const p = await phone(AWAY, code);
    expect(await portal.loaders.confirmScreen(p.req())).toMatchObject({ kind: 'result', result: { kind: 'refused' } });
    expect(await portal.loaders.confirmScreen(p.req())).toMatchObject({ kind: 'result', result: { kind: 'refused' } });
    expect(await status(code)).toBe('denied');
    expect(code.heard).toEqual(['denied']);
  });
});

describe('warn: the warning and a limited grant', () => {
  it('a phone away is warned and shown the fewer scopes it would grant', async () => {
    await policy({ proximity: 'warn', remoteScopes: ['openid'] });
    const code = await deviceCode();
    const p = await phone(AWAY, code);
    expect(await portal.loaders.confirmScreen(p.req())).toMatchObject({ details: { step: 'warn', limited: true, scopes: ['openid'] } });
  });
});

describe("This wasn't me", () => {
  it('on the result page right after approving: the approval is taken back and the page says so', async () => {
    const code = await deviceCode();
    const p = await phone(NEAR, code);
    await portal.loaders.confirmScreen(p.req());
    await p.post('/activate/confirm', { user_code: code.userCode, decision: 'approve' });
    expect(await portal.loaders.doneScreen(p.req())).toMatchObject({ result: { kind: 'approved' }, canDisown: true });

    expect(await p.post('/activate/done', {})).toEqual({ kind: 'redirect', location: '/activate/done' });
    expect(await status(code)).toBe('denied');
    expect(code.heard).toEqual(['opened', 'approved', 'denied']);
    expect(await portal.loaders.doneScreen(p.req())).toMatchObject({ result: { kind: 'disowned' }, canDisown: false });
    // Nothing left to take back; a form without a CSRF token changes nothing.
    expect(await p.post('/activate/done', {})).toMatchObject({ kind: 'page', status: 400 });
    expect(await portal.post('/activate/done', {}, {}, NEAR)).toMatchObject({ kind: 'redirect', location: '/login?next=%2Factivate' });
  });

  it('on Devices and apps: where it was approved from, and one button that ends it and tells the screen', async () => {
    const code = await deviceCode();
    const p = await phone(AWAY, code);
    await portal.loaders.confirmScreen(p.req());
    const approved = await portal.provider.approve(code.userCode, 'u1', { address: AWAY });
    if (!approved.ok) throw new Error(approved.reason);
    const grantId = approved.record.approval!.grantId;
    await portal.store.redeemDeviceCode(code.deviceCodeHash, { id: grantId, userId: 'u1', clientId: 'tv', scope: 'openid', deviceName: 'Living room TV', deviceModel: null, authTime: portal.now, createdAt: portal.now, lastUsedAt: portal.now, revokedAt: null, approval: { proximity: 'remote', policy: 'warn', numberMatched: false } }, portal.now);
    const ended: DeviceEvent[] = [];
    portal.events.subscribe(signInTopic(grantId), (e) => ended.push(e));

    const overview = await portal.loaders.accountOverview(p.req());
    expect(overview.kind === 'account' && overview.devices).toEqual([expect.objectContaining({ grantId, approvedFrom: 'remote', limited: false })]);
    expect(await p.post('/account/devices', { grant_id: grantId, disown: '1' })).toEqual({ kind: 'redirect', location: '/account/devices' });
    expect((await portal.store.findGrant(grantId))?.revokedAt).toBe(portal.now);
    expect(ended).toEqual(['ended']);
    expect(await portal.loaders.accountOverview(p.req())).toMatchObject({ notice: 'device-disowned', devices: [] });
  });
});
