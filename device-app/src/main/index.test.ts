/**
 * Kiosk mode in the main process (`onReady`), Electron mocked, `net.fetch` to a fake
 * authorization server: the device id is made once in userData, beside the vault, and sent with
 * every code, across restarts of the app.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ISSUER, createFakeServer, type FakeServer } from '../../test/support/fake-authorization-server';
import { app, net, resetElectron } from '../../test/support/electron';
import { loadConfig } from '../config';
import { DEVICE_ID_FILE } from '../device-id-file';
import { onReady } from './index';

vi.mock('electron', () => import('../../test/support/electron'));

describe('kiosk mode (main process, Electron mocked)', () => {
  let server: FakeServer;

  beforeEach(async () => {
    resetElectron();
    server = await createFakeServer();
    net.fetch.mockImplementation((url: string, init: RequestInit) => server.fetch(url, init));
  });

  afterEach(() => {
    app.emit('before-quit');
  });

  it('keeps a device id in userData (0600) and sends it as device_id with every code, after a restart too', async () => {
    const config = loadConfig({ env: { PAIRGATE_ISSUER: ISSUER } });
    await onReady(config, '/opt/pairgate/dist/electron');
    await vi.waitFor(() => expect(server.count('/device/code')).toBe(1));
    const file = path.join(app.userData, DEVICE_ID_FILE);
    const deviceId = readFileSync(file, 'utf8').trim();
    expect(deviceId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    app.emit('before-quit'); // the app quits …
    await onReady(config, '/opt/pairgate/dist/electron'); // … and starts again
    await vi.waitFor(() => expect(server.count('/device/code')).toBe(2));
    const sent = server.requests.filter((r) => r.path === '/device/code').map((r) => r.params.device_id);
    expect(sent).toEqual([deviceId, deviceId]);
  });
});
