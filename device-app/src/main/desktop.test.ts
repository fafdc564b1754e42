/**
 * Desktop mode in the main process, as Electron would run it (`onReady`), with Electron mocked:
 * the renderer's commands arrive over IPC, `shell.openExternal` is recorded, `net.fetch` goes to
 * a fake authorization server, and the browser's redirect is a real HTTP request to the real
 * loopback listener.
 */
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ISSUER, createFakeServer, type AuthorizeOptions, type FakeServer } from '../../test/support/fake-authorization-server';
import { app, ipcMain, net, resetElectron, safeStorage, shell } from '../../test/support/electron';
import { loadConfig } from '../config';
import type { Command, ViewState } from '../core/view-state';
import { Channel } from '../ipc';
import { openIssuerPage } from './browser';
import { onReady } from './index';
import { appPaths } from './paths';

vi.mock('electron', () => import('../../test/support/electron'));

const electronDir = '/opt/pairgate/dist/electron';
const trusted = { senderFrame: { url: appPaths(electronDir).pageUrl, parent: null } };

/** The browser tab: follows the redirect to the loopback listener and reads the page. */
function visit(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('desktop mode (main process, Electron mocked)', () => {
  let server: FakeServer;
  let opened: string[];

  beforeEach(async () => {
    resetElectron();
    server = await createFakeServer();
    opened = [];
    net.fetch.mockImplementation((url: string, init: RequestInit) => server.fetch(url, init));
    shell.openExternal.mockImplementation(async (url: string) => {
      opened.push(url);
    });
  });

  afterEach(() => {
    app.emit('before-quit');
  });

  async function start(env: Record<string, string> = {}) {
    const config = loadConfig({ env: { PAIRGATE_MODE: 'desktop', PAIRGATE_ISSUER: ISSUER, ...env } });
    await onReady(config, electronDir);
    const invoke = (channel: string, ...args: unknown[]) => {
      const handler = ipcMain.handlers.get(channel);
      if (!handler) throw new Error(`no handler for ${channel}`);
      return handler(trusted, ...args) as unknown;
    };
    return {
      view: () => invoke(Channel.getState) as ViewState,
      send: (command: Command) => invoke(Channel.command, command),
    };
  }

  async function signInUntilBrowser(app: Awaited<ReturnType<typeof start>>): Promise<string> {
    expect(app.view()).toMatchObject({ screen: 'browser-sign-in', status: expect.stringMatching(/^(ready|failed)$/) });
    app.send({ type: 'sign-in' });
    await vi.waitFor(() => expect(opened).toHaveLength(1));
    await vi.waitFor(() => expect(app.view()).toMatchObject({ status: 'waiting' }));
    return opened[0] as string;
  }

  async function answer(app: Awaited<ReturnType<typeof start>>, options: AuthorizeOptions) {
    const url = await signInUntilBrowser(app);
    const tab = await visit(server.authorize(url, options));
    await vi.waitFor(() => expect(app.view()).toMatchObject({ status: 'failed' }));
    return { url, tab };
  }

  it('signs in through the browser: PKCE S256, state, nonce; tokens in the vault, the name on screen', async () => {
    const app = await start();
    const url = new URL(await signInUntilBrowser(app));
    // Only the issuer's authorization endpoint is ever handed to the OS.
    expect(url.origin).toBe(ISSUER);
    expect(url.pathname).toBe('/authorize');
    const query = Object.fromEntries(url.searchParams);
    expect(query).toMatchObject({ response_type: 'code', client_id: 'desktop-app', code_challenge_method: 'S256', scope: 'openid profile offline_access' });
    expect(query.redirect_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    for (const name of ['state', 'nonce', 'code_challenge'] as const) expect(query[name]).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const tab = await visit(server.authorize(url.href));
    expect(tab.status).toBe(200);
    expect(tab.body).toContain('You’re signed in. You can close this tab and return to Pairgate.');
    await vi.waitFor(() => expect(app.view()).toEqual({ screen: 'signed-in', name: 'Ada Lovelace', signingOut: false, notice: null, devices: null }));

    // The code was redeemed with the verifier, at the token endpoint, once.
    const exchange = server.requests.find((r) => r.params.grant_type === 'authorization_code');
    expect(exchange?.params).toMatchObject({ client_id: 'desktop-app', redirect_uri: query.redirect_uri });
    expect(exchange?.params.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The refresh token went to the vault, encrypted.
    expect(safeStorage.encryptString).toHaveBeenCalled();

    // Nothing the renderer was sent, nor the tab, carries a token or the code.
    const { BrowserWindow } = await import('../../test/support/electron');
    const sent = JSON.stringify(BrowserWindow.instances.flatMap((w) => w.webContents.sent));
    for (const secret of server.issued) {
      expect(sent).not.toContain(secret);
      expect(tab.body).not.toContain(secret);
    }

    // Sign-out is the kiosk's: revoke, forget, and back to "Sign in with your browser".
    app.send({ type: 'sign-out' });
    await vi.waitFor(() => expect(app.view()).toEqual({ screen: 'browser-sign-in', status: 'ready', failure: null, notice: null }));
    expect(server.count('/revoke')).toBe(1);
  });

  it('a state mismatch is refused: the tab says so, no code is redeemed', async () => {
    const app = await start();
    const { tab } = await answer(app, { state: 'someone-elses-state' });
    expect(tab.body).toContain('does not belong to the sign-in Pairgate started');
    expect(app.view()).toMatchObject({ screen: 'browser-sign-in', status: 'failed', failure: 'state-mismatch' });
    expect(server.count('/token', 'authorization_code')).toBe(0);
  });

  it('a missing iss is refused when the server advertises it (RFC 9207), and so is another issuer’s', async () => {
    const app = await start();
    await answer(app, { iss: null });
    expect(app.view()).toMatchObject({ status: 'failed', failure: 'issuer-mismatch' });
    opened.length = 0;
    await answer(app, { iss: 'https://other.example' });
    expect(app.view()).toMatchObject({ status: 'failed', failure: 'issuer-mismatch' });
    expect(server.count('/token', 'authorization_code')).toBe(0);
  });

  it('a denial shows in the app and in the tab; "Try again" starts over', async () => {
    const app = await start();
    const { tab } = await answer(app, { decision: 'deny' });
    expect(tab.body).toContain('access was denied');
    expect(app.view()).toMatchObject({ status: 'failed', failure: 'denied' });
    opened.length = 0;
    const url = await signInUntilBrowser(app);
    await visit(server.authorize(url));
    await vi.waitFor(() => expect(app.view()).toMatchObject({ screen: 'signed-in' }));
  });

  it('an ID token with another nonce is not a sign-in', async () => {
    const app = await start();
    const { tab } = await answer(app, { nonce: 'replayed-nonce' });
    expect(tab.status).toBe(400);
    expect(app.view()).toMatchObject({ status: 'failed', failure: 'id-token-invalid' });
    expect(safeStorage.encryptString).not.toHaveBeenCalled();
  });

  it('Cancel closes the loopback listener and goes back to the button', async () => {
    const app = await start();
    const url = await signInUntilBrowser(app);
    app.send({ type: 'cancel' });
    await vi.waitFor(() => expect(app.view()).toEqual({ screen: 'browser-sign-in', status: 'ready', failure: null, notice: null }));
    await expect(visit(server.authorize(url))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('never opens an authorization endpoint on another origin than the issuer’s', async () => {
    server = await createFakeServer({ authorizationEndpoint: 'https://evil.example/authorize' });
    const app = await start();
    app.send({ type: 'sign-in' });
    await vi.waitFor(() => expect(app.view()).toMatchObject({ status: 'failed', failure: 'untrusted-endpoint' }));
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('openIssuerPage refuses anything not on the issuer’s origin', async () => {
    for (const url of ['https://evil.example/authorize', 'file:///etc/passwd', 'https://as.example.evil.example/', 'javascript:alert(1)', 'https://user@as.example/x']) {
      await expect(openIssuerPage(url, ISSUER)).rejects.toThrow(/not on the configured issuer/);
    }
    await openIssuerPage(`${ISSUER}/authorize?x=1`, ISSUER);
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });
});
