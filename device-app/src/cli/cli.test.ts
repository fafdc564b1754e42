import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ISSUER, createFakeServer, type AuthorizeOptions, type FakeServer } from '../../test/support/fake-authorization-server';
import { UsageError, loginConfig, parseCommand } from './args';
import { findBrowserCommand } from './browser';
import type { WebSocketLike } from '../core/push-hint';
import type { CliIo } from './io';
import { run } from './main';
import { configDir } from './token-file';
import { readTerminalQr } from '../../test/support/terminal-qr';

class Capture {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

function visit(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

describe('pairgate: arguments', () => {
  it('parses login and its flags; the connection flags go to the app’s configuration', () => {
    const command = parseCommand(['login', '--device', '--print-token', '--issuer', 'https://id.example/', '--scope=openid  email']);
    if (command.name !== 'login') throw new Error('not login');
    expect(command.args).toMatchObject({ device: true, noBrowser: false, printToken: true });
    // The one schema reads them: normalised, with the flow's demo client.
    expect(loginConfig(command.args, {}, 'device')).toMatchObject({ issuer: 'https://id.example', scope: 'openid email', clientId: 'tv-kiosk', mode: 'kiosk' });
    expect(loginConfig(command.args, { PAIRGATE_CLIENT_ID: 'mine' }, 'browser')).toMatchObject({ clientId: 'mine', mode: 'desktop' });
    expect(parseCommand(['login', '--no-browser'])).toMatchObject({ args: { noBrowser: true } });
    expect(parseCommand(['--help'])).toEqual({ name: 'help' });
    expect(parseCommand(['login', '-h'])).toEqual({ name: 'help' });
    expect(parseCommand(['login', '--device', '--help'])).toEqual({ name: 'help' });
  });

  it('refuses unknown commands, unknown flags and missing values', () => {
    expect(() => parseCommand(['frobnicate'])).toThrow(/unknown command "frobnicate"; the commands are login, logout and status/);
    expect(parseCommand(['logout'])).toEqual({ name: 'logout' });
    expect(parseCommand(['status', '--help'])).toEqual({ name: 'help' });
    expect(() => parseCommand(['status', '--issuer', 'x'])).toThrow(/unknown option --issuer/);
    expect(() => parseCommand(['logout', '--config', 'x.json'])).toThrow(UsageError);
    expect(() => parseCommand(['login', '--verbose'])).toThrow(/unknown option --verbose/);
    expect(() => parseCommand(['login', '--issuer'])).toThrow(/--issuer needs a value/);
    expect(() => parseCommand(['login', '--client-id', '--device'])).toThrow(/--client-id needs a value/);
    // Only the connection settings are flags here; the kiosk's others are not.
    expect(() => parseCommand(['login', '--device-name', 'TV'])).toThrow(/unknown option --device-name/);
    expect(() => parseCommand(['login', 'now'])).toThrow(/unknown option now/);
  });

  it('finds a browser: PAIRGATE_BROWSER_COMMAND, then BROWSER, then the OS opener with a display', () => {
    const yes = () => true;
    expect(findBrowserCommand({ PAIRGATE_BROWSER_COMMAND: 'node open.mjs --x', BROWSER: 'firefox' }, 'linux', yes)).toEqual({ program: 'node', args: ['open.mjs', '--x'], source: 'PAIRGATE_BROWSER_COMMAND' });
    expect(findBrowserCommand({ BROWSER: 'w3m:lynx' }, 'linux', yes)).toEqual({ program: 'w3m', args: [], source: 'BROWSER' });
    expect(findBrowserCommand({ DISPLAY: ':0' }, 'linux', yes)).toMatchObject({ program: 'xdg-open' });
    expect(findBrowserCommand({ DISPLAY: ':0' }, 'linux', () => false)).toBeUndefined();
    // A server, an SSH session: no display, so no browser — the device flow.
    expect(findBrowserCommand({}, 'linux', yes)).toBeUndefined();
    expect(findBrowserCommand({}, 'darwin', yes)).toMatchObject({ program: 'open' });
  });

  it('keeps tokens under PAIRGATE_CONFIG_DIR, XDG_CONFIG_HOME or ~/.config', () => {
    expect(configDir({ PAIRGATE_CONFIG_DIR: '/x/y' }, 'linux', '/home/a')).toBe('/x/y');
    expect(configDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/a')).toBe('/cfg/pairgate');
    expect(configDir({ XDG_CONFIG_HOME: 'relative' }, 'linux', '/home/a')).toBe('/home/a/.config/pairgate');
    expect(configDir({}, 'linux', '/home/a')).toBe('/home/a/.config/pairgate');
  });
});

describe('pairgate login', () => {
  let server: FakeServer;
  let dir: string;
  let stdout: Capture;
  let stderr: Capture;
  let clock: number;

  beforeEach(async () => {
    server = await createFakeServer({ interval: 5 });
    dir = mkdtempSync(path.join(tmpdir(), 'pairgate-cli-'));
    stdout = new Capture(false);
    stderr = new Capture(false);
    clock = Date.now();
  });

  /** The device flow with a clock that jumps by whatever it sleeps; the person approves on the 2nd poll. */
  function io(overrides: Partial<CliIo> & { approveOnPoll?: number; deny?: boolean } = {}): CliIo {
    let polls = 0;
    const fetch = async (url: string, init: RequestInit) => {
      if (new URL(url).pathname === '/token' && new URLSearchParams(String(init.body)).get('grant_type')?.includes('device_code')) {
        polls += 1;
        if (polls === (overrides.approveOnPoll ?? 2)) {
          if (overrides.deny) server.denyLatest();
          else server.approveLatest();
        }
      }
      return server.fetch(url, init);
    };
    return {
      env: { PAIRGATE_ISSUER: ISSUER, PAIRGATE_CONFIG_DIR: dir },
      stdout,
      stderr,
      signal: new AbortController().signal,
      fetch,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      tickMs: 5,
      ...overrides,
    };
  }

  const tokenFile = () => path.join(dir, 'tokens.json');

  it('--device, not a TTY: the URL, the code and a QR as plain lines; tokens to a 0600 file, never printed', async () => {
    expect(await run(['login', '--device'], io())).toBe(0);
    const output = stderr.text;
    expect(output).toMatch(new RegExp(`${ISSUER}/activate\\?user_code=[A-Z]{8}`));
    expect(output).toMatch(/\b[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}\b/);
    expect(output).toMatch(/[█▀▄]/); // the QR
    expect(output).not.toMatch(/\r|\x1b/); // plain lines only
    expect(output).toContain('Signed in as Ada Lovelace.');
    expect(stdout.text).toBe('');

    const mode = statSync(tokenFile()).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(tokenFile(), 'utf8')) as Record<string, string>;
    expect(saved).toMatchObject({ issuer: ISSUER, client_id: 'tv-kiosk', token_type: 'Bearer', sub: 'user-1', name: 'Ada Lovelace' });
    expect(saved.access_token).toMatch(/^at-/);
    for (const secret of server.issued) expect(output).not.toContain(secret);
  });

  it('on a TTY: a live countdown rewritten in place, and the QR in terminal colours', async () => {
    stderr = new Capture(true);
    // Slow polls in real time, so the countdown gets to redraw.
    const base = io({ approveOnPoll: 3 });
    const realSleep = async (ms: number) => {
      clock += ms;
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    expect(await run(['login', '--device'], { ...base, stderr, sleep: realSleep })).toBe(0);
    expect(stderr.text).toContain('\r\x1b[2KWaiting for approval… the code expires in ');
    expect(stderr.text).toMatch(/expires in \d+:\d\d/);
    // The QR in explicit white on black (any colour scheme shows it the right way round), and it decodes.
    expect(stderr.text).toContain('\x1b[97;40m');
    const url = server.requests.find((r) => r.path === '/device/code') && /https:\/\/\S+user_code=\w+/.exec(stderr.text)?.[0];
    expect(readTerminalQr(stderr.text)).toEqual({ text: url, quietZone: 4 });
  });

  it('--device prints a QR code that decodes to verification_uri_complete, with the 4-module quiet zone', async () => {
    let complete: string | undefined;
    const watching = io();
    const fetch = async (url: string, init: RequestInit) => {
      const response = await (watching.fetch as NonNullable<CliIo['fetch']>)(url, init);
      if (new URL(url).pathname === '/device/code') complete = ((await response.clone().json()) as { verification_uri_complete: string }).verification_uri_complete;
      return response;
    };
    expect(await run(['login', '--device'], { ...watching, fetch })).toBe(0);
    expect(complete).toMatch(/^https:\/\/as\.example\/activate\?user_code=[A-Z]{8}$/);
    expect(readTerminalQr(stderr.text)).toEqual({ text: complete, quietZone: 4 });
  });

  it('uses the push channel when the server offers it: the device code in the first message, an approval collected at once', async () => {
    server = await createFakeServer({ interval: 5, push: true });
    const sockets: { url: string; sent: string[]; closed: boolean; socket: WebSocketLike }[] = [];
    const webSocket = (url: string): WebSocketLike => {
      const record = { url, sent: [] as string[], closed: false, socket: undefined as unknown as WebSocketLike };
      record.socket = { send: (d) => record.sent.push(d), close: () => (record.closed = true), onopen: null, onmessage: null, onerror: null, onclose: null };
      sockets.push(record);
      return record.socket;
    };
    // Polls wait for ever: only the push hint can move the flow on.
    const sleep = (_ms: number, signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    const running = run(['login', '--device'], { ...io({ approveOnPoll: 0 }), webSocket, sleep });
    await expect.poll(() => sockets.length).toBe(1);
    const push = sockets[0] as (typeof sockets)[number];
    expect(push.url).toBe('wss://as.example/oauth/device/events');
    push.socket.onopen?.();
    expect(JSON.parse(push.sent[0] as string)).toEqual({ type: 'subscribe', device_code: expect.stringMatching(/^dc-/) });
    push.socket.onmessage?.({ data: '{"type":"status","status":"opened"}' });
    await expect.poll(() => stderr.text).toContain('Continue on your phone…');
    // Number matching: the number to pick on the phone.
    push.socket.onmessage?.({ data: '{"type":"match","number":"42"}' });
    await expect.poll(() => stderr.text).toContain('Pick 42 on your phone.');
    server.approveLatest();
    push.socket.onmessage?.({ data: '{"type":"status","status":"approved"}' });
    expect(await running).toBe(0);
    expect(server.count('/token')).toBe(1);
    expect(push.closed).toBe(true);
  });

  it('keeps a device id (0600) in the config directory and sends it as device_id with every login', async () => {
    expect(await run(['login', '--device'], io())).toBe(0);
    const file = path.join(dir, 'device-id');
    const deviceId = readFileSync(file, 'utf8').trim();
    expect(deviceId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    stderr = new Capture(false);
    expect(await run(['login', '--device'], io({ stderr }))).toBe(0);
    const sent = server.requests.filter((r) => r.path === '/device/code').map((r) => r.params.device_id);
    expect(sent).toEqual([deviceId, deviceId]);
    expect(stderr.text).not.toContain(deviceId);
  });

  it('--print-token prints the access token, on stdout only', async () => {
    expect(await run(['login', '--device', '--print-token'], io())).toBe(0);
    const saved = JSON.parse(readFileSync(tokenFile(), 'utf8')) as { access_token: string };
    expect(stdout.text).toBe(`${saved.access_token}\n`);
    expect(stderr.text).not.toContain(saved.access_token);
  });

  it('exit 1 when denied, and when the code expires; nothing saved', async () => {
    expect(await run(['login', '--no-browser'], io({ deny: true }))).toBe(1);
    expect(stderr.text).toContain('access was denied');
    server = await createFakeServer({ interval: 5, expiresIn: 30 });
    stderr = new Capture(false);
    expect(await run(['login', '--device'], io({ approveOnPoll: 1000, stderr }))).toBe(1);
    expect(stderr.text).toContain('the code expired');
    expect(existsSync(tokenFile())).toBe(false);
  });

  it('exit 2 for a usage or configuration error, with a clear message', async () => {
    expect(await run(['login', '--frobnicate'], io())).toBe(2);
    expect(stderr.text).toContain('unknown option --frobnicate');
    stderr = new Capture(false);
    expect(await run(['login', '--device', '--issuer', 'ftp://id.example'], io({ stderr }))).toBe(2);
    expect(stderr.text).toContain('issuer (from --issuer) must use https');
    stderr = new Capture(false);
    const refusing = async (url: string, init: RequestInit) =>
      new URL(url).pathname === '/device/code' ? new Response(JSON.stringify({ error: 'invalid_client' }), { status: 401 }) : server.fetch(url, init);
    expect(await run(['login', '--device'], io({ stderr, fetch: refusing }))).toBe(2);
    expect(stderr.text).toContain('the server refused this client (invalid_client)');
  });

  describe('in the browser (PKCE, loopback)', () => {
    function browser(options: AuthorizeOptions = {}) {
      const pages: string[] = [];
      const openBrowser = async (url: string) => {
        // The person in the browser: the server redirects back to the loopback listener.
        void visit(server.authorize(url, options)).then((page) => pages.push(page));
      };
      return { openBrowser, pages };
    }

    it('signs in with the desktop client, verifies the ID token’s nonce, saves the tokens', async () => {
      const { openBrowser, pages } = browser();
      expect(await run(['login'], io({ openBrowser }))).toBe(0);
      expect(stderr.text).toContain('Signed in as Ada Lovelace.');
      await expect.poll(() => pages[0]).toContain('You’re signed in.');
      const saved = JSON.parse(readFileSync(tokenFile(), 'utf8')) as Record<string, string>;
      expect(saved.client_id).toBe('desktop-app');
      expect(statSync(tokenFile()).mode & 0o777).toBe(0o600);
      expect(server.count('/device/code')).toBe(0);
      for (const secret of server.issued) expect(stderr.text).not.toContain(secret);
    });

    it('a state mismatch: exit 1, a clear message, the tab says so, nothing saved', async () => {
      const { openBrowser, pages } = browser({ state: 'not-ours' });
      expect(await run(['login'], io({ openBrowser }))).toBe(1);
      expect(stderr.text).toContain('state mismatch');
      await expect.poll(() => pages[0]).toContain('does not belong to the sign-in Pairgate started');
      expect(existsSync(tokenFile())).toBe(false);
    });

    it('a missing iss from a server that advertises it: exit 1', async () => {
      const { openBrowser } = browser({ iss: null });
      expect(await run(['login'], io({ openBrowser }))).toBe(1);
      expect(stderr.text).toContain('RFC 9207');
    });

    it('--device and --no-browser never open it', async () => {
      let opened = 0;
      const openBrowser = async () => {
        opened += 1;
      };
      expect(await run(['login', '--no-browser'], io({ openBrowser }))).toBe(0);
      expect(await run(['login', '--device'], io({ openBrowser }))).toBe(0);
      expect(opened).toBe(0);
    });

    it('Ctrl-C while waiting for the browser: exit 130, and the loopback listener is closed', async () => {
      const interrupt = new AbortController();
      let opened = '';
      const openBrowser = async (url: string) => {
        opened = url;
        setTimeout(() => interrupt.abort(), 20);
      };
      expect(await run(['login'], io({ openBrowser, signal: interrupt.signal }))).toBe(130);
      expect(stderr.text).toContain('cancelled');
      const redirectUri = new URL(opened).searchParams.get('redirect_uri') as string;
      await expect(visit(redirectUri)).rejects.toThrow(/ECONNREFUSED/);
    });

    it('falls back to a code when the browser cannot be started', async () => {
      const openBrowser = async () => {
        throw Object.assign(new Error('spawn firefox ENOENT'), { code: 'ENOENT' });
      };
      expect(await run(['login'], io({ openBrowser }))).toBe(0);
      expect(stderr.text).toContain('Could not open a browser');
      expect(stderr.text).toMatch(/user_code=/);
    });
  });

  describe('logout (status: status.test.ts)', () => {
    const saved = () => JSON.parse(readFileSync(tokenFile(), 'utf8')) as Record<string, string>;

    it('logout revokes the refresh token (RFC 7009) and removes the file; then there is nothing to do', async () => {
      expect(await run(['login', '--device'], io())).toBe(0);
      const refreshToken = saved().refresh_token as string;
      stderr = new Capture(false);
      expect(await run(['logout'], io())).toBe(0);
      expect(server.requests.find((r) => r.path === '/revoke')?.params).toEqual({ token: refreshToken, token_type_hint: 'refresh_token', client_id: 'tv-kiosk' });
      expect(server.refreshTokens.has(refreshToken)).toBe(false);
      expect(existsSync(tokenFile())).toBe(false);
      expect(stderr.text).toBe(`Signed out of ${ISSUER}.\n`);
      stderr = new Capture(false);
      expect(await run(['logout'], io())).toBe(0);
      expect(stderr.text).toBe('Not signed in.\n');
      expect(server.count('/revoke')).toBe(1);
    });

    it('logout with the server away: the file goes anyway, exit 1, and it says the sign-in stays live', async () => {
      expect(await run(['login', '--device'], io())).toBe(0);
      server.setOffline(true);
      stderr = new Capture(false);
      expect(await run(['logout'], io())).toBe(1);
      expect(existsSync(tokenFile())).toBe(false);
      expect(stderr.text).toContain(`${ISSUER} could not be told (TypeError)`);
      expect(stderr.text).toContain('stays live at the server until it expires');
    });

    it('a token file that is not ours: a clear message that never echoes it', async () => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(tokenFile(), JSON.stringify({ issuer: ISSUER, access_token: 'secret-at-123' }));
      expect(await run(['status'], io())).toBe(1);
      expect(stderr.text).toContain(`${tokenFile()} is not a pairgate token file ("client_id" is missing or wrong).`);
      expect(stderr.text).not.toContain('secret-at-123');
      stderr = new Capture(false);
      expect(await run(['logout'], io())).toBe(1);
      expect(stderr.text).not.toContain('secret-at-123');
      expect(existsSync(tokenFile())).toBe(false);
    });
  });
});
