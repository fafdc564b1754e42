import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER, createFakeServer } from '../test/support/fake-authorization-server';
import { DEVICE_ID_ELEMENT_ID, FIRST_CODE_ELEMENT_ID } from './index-html';
import { FIRST_SCREEN_MODULE, NotBuiltError, startWebServer, type RunningWebServer } from './web-server';

const config = {
  issuer: 'https://login.example.com',
  clientId: 'tv-kiosk',
  scope: 'openid profile',
  deviceName: 'Hall </script><script>alert(1)</script>',
  deviceModel: 'Stick',
};

/** A built renderer in a temporary directory: the bundle, compressed copies, and a first-screen render that shows the code. */
function rendererDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pairgate-renderer-'));
  writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'app.js.br'), 'brotli bytes');
  writeFileSync(path.join(dir, 'app.js.gz'), 'gzip bytes');
  writeFileSync(path.join(dir, 'app.css'), 'body{}');
  writeFileSync(path.join(dir, FIRST_SCREEN_MODULE), 'export function renderFirstScreen(view) { return `<p class="code">${view.code.userCode}</p>`; }');
  return dir;
}

/** A raw GET (Node's fetch would decompress, hiding what was sent). */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('web host server', () => {
  let server: RunningWebServer;

  beforeAll(async () => {
    server = await startWebServer({ config, port: 0, host: '127.0.0.1', rendererDir: rendererDir(), firstCode: false });
  });

  afterAll(() => server?.close());

  it('serves the page with a CSP that lets it call only itself and the issuer, and the config inlined safely', async () => {
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' https://login.example.com wss://login.example.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    // A device name cannot close the config's <script> element.
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('\\u003c/script>');
    expect(await (await fetch(new URL('/config.json', server.url))).json()).toEqual(config);
  });

  it('sends the bundle brotli- or gzip-compressed as the browser accepts, labelled, and varying by Accept-Encoding', async () => {
    const br = await get(new URL('/app.js', server.url).href, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(br.body.toString()).toBe('brotli bytes');
    expect(br.headers['content-length']).toBe(String('brotli bytes'.length));
    const gzip = await get(new URL('/app.js', server.url).href, { 'Accept-Encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body.toString()).toBe('gzip bytes');
    const plain = await get(new URL('/app.js', server.url).href);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body.toString()).toBe('console.log(1)');
    // No compressed copy of the stylesheet in this build: sent as it is, with no Vary.
    const css = await get(new URL('/app.css', server.url).href, { 'Accept-Encoding': 'br' });
    expect(css.headers['content-encoding']).toBeUndefined();
    expect(css.headers.vary).toBeUndefined();
  });

  it('serves the bundle, and nothing else', async () => {
    expect((await fetch(new URL('/app.js', server.url))).headers.get('content-type')).toContain('javascript');
    expect((await fetch(new URL('/../package.json', server.url))).status).toBe(404);
    expect((await fetch(new URL('/src/config.ts', server.url))).status).toBe(404);
    expect((await fetch(new URL(`/${FIRST_SCREEN_MODULE}`, server.url))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('says how to build when the renderer is missing', async () => {
    await expect(startWebServer({ config, port: 0, host: '127.0.0.1', rendererDir: '/nonexistent' })).rejects.toBeInstanceOf(NotBuiltError);
  });
});

describe('web host server: the first code in the page', () => {
  let server: RunningWebServer | undefined;
  afterEach(() => server?.close());

  it('asks for a code while answering for the page, renders it, and gives the page the authorization to carry on with', async () => {
    const authorizationServer = await createFakeServer({ devicesApi: true });
    const logged: string[] = [];
    server = await startWebServer({ config: { ...config, issuer: ISSUER }, port: 0, host: '127.0.0.1', rendererDir: rendererDir(), fetch: authorizationServer.fetch, log: (line) => logged.push(line) });
    const html = (await get(server.url)).body.toString();
    expect(authorizationServer.count('/device/code')).toBe(1);
    // The same request the page would make: its scope (devices:read, as discovery lists it) and device.
    expect(authorizationServer.requests.find((r) => r.path === '/device/code')?.params).toMatchObject({
      client_id: 'tv-kiosk',
      scope: 'openid profile devices:read',
      device_model: 'Stick',
    });
    const data = new RegExp(`<script id="${FIRST_CODE_ELEMENT_ID}" type="application/json">(.*?)</script>`).exec(html)?.[1];
    const first = JSON.parse(data as string) as { authorization: { device_code: string; user_code: string; expires_in: number } };
    expect(first.authorization.device_code).toMatch(/^dc-/);
    // Counted from when the page has it, a little short of the server's 600 s.
    expect(first.authorization.expires_in).toBeGreaterThan(590);
    expect(first.authorization.expires_in).toBeLessThan(600);
    // Rendered: on screen before any script runs.
    expect(html).toContain(`<div id="root"><p class="code">${first.authorization.user_code.slice(0, 4)}-${first.authorization.user_code.slice(4)}</p></div>`);
    // A second page, a second code (each screen pairs on its own).
    await get(server.url);
    expect(authorizationServer.count('/device/code')).toBe(2);
    // HEAD asks for none.
    expect((await get(server.url, {}, 'HEAD')).status).toBe(200);
    expect(authorizationServer.count('/device/code')).toBe(2);
    expect(logged).toEqual([]);
  });

  it("gives each screen a device id in a cookie of its own, sent with its first code and given to the page; a reload keeps it", async () => {
    const authorizationServer = await createFakeServer();
    server = await startWebServer({ config: { ...config, issuer: ISSUER }, port: 0, host: '127.0.0.1', rendererDir: rendererDir(), fetch: authorizationServer.fetch, log: () => undefined });
    const first = await get(server.url);
    const cookie = String(first.headers['set-cookie']);
    const deviceId = /^pairgate_device_id=([A-Za-z0-9_-]{43}); Path=\/; Max-Age=34560000; HttpOnly; SameSite=Strict$/.exec(cookie)?.[1];
    expect(deviceId).toBeDefined();
    const inPage = (html: string) => JSON.parse(new RegExp(`<script id="${DEVICE_ID_ELEMENT_ID}" type="application/json">(.*?)</script>`).exec(html)?.[1] ?? 'null') as unknown;
    expect(inPage(first.body.toString())).toBe(deviceId);
    // The reload: the browser sends the cookie back, and the same id goes to the server again.
    const reload = await get(server.url, { Cookie: `other=1; pairgate_device_id=${deviceId}` });
    expect(inPage(reload.body.toString())).toBe(deviceId);
    expect(String(reload.headers['set-cookie'])).toContain(`pairgate_device_id=${deviceId};`);
    // Another screen (no cookie), or a cookie that is not one of ours: a new id.
    const other = inPage((await get(server.url)).body.toString());
    const forged = inPage((await get(server.url, { Cookie: 'pairgate_device_id=short' })).body.toString());
    expect(new Set([deviceId, other, forged]).size).toBe(3);
    const sent = authorizationServer.requests.filter((r) => r.path === '/device/code').map((r) => r.params.device_id);
    expect(sent).toEqual([deviceId, deviceId, other, forged]);
    // A HEAD makes no id.
    expect((await get(server.url, {}, 'HEAD')).headers['set-cookie']).toBeUndefined();
  });

  it('without a server to ask, sends the page without a code (the page will ask), and says why in the log', async () => {
    const authorizationServer = await createFakeServer();
    authorizationServer.setOffline(true);
    const logged: string[] = [];
    server = await startWebServer({ config: { ...config, issuer: ISSUER }, port: 0, host: '127.0.0.1', rendererDir: rendererDir(), fetch: authorizationServer.fetch, log: (line) => logged.push(line) });
    const page = await get(server.url);
    expect(page.status).toBe(200);
    expect(page.body.toString()).not.toContain(FIRST_CODE_ELEMENT_ID);
    expect(page.body.toString()).toContain('<div id="root"></div>');
    expect(logged).toEqual([expect.stringMatching(/^no first code for the page \(the page will ask itself\): TypeError/)]);
  });
});
