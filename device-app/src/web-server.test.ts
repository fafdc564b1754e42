import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotBuiltError, startWebServer, type RunningWebServer } from './web-server';

const config = {
  issuer: 'https://login.example.com',
  clientId: 'tv-kiosk',
  scope: 'openid profile',
  deviceName: 'Hall </script><script>alert(1)</script>',
  deviceModel: 'Stick',
};

describe('web host server', () => {
  let server: RunningWebServer;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pairgate-renderer-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'app.css'), 'body{}');
    server = await startWebServer({ config, port: 0, host: '127.0.0.1', rendererDir: dir });
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
    const html = await response.text();
    // A device name cannot close the config's <script> element.
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('\\u003c/script>');
    expect(await (await fetch(new URL('/config.json', server.url))).json()).toEqual(config);
  });

  it('serves the bundle, and nothing else', async () => {
    expect((await fetch(new URL('/app.js', server.url))).headers.get('content-type')).toContain('javascript');
    expect((await fetch(new URL('/../package.json', server.url))).status).toBe(404);
    expect((await fetch(new URL('/src/config.ts', server.url))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('says how to build when the renderer is missing', async () => {
    await expect(startWebServer({ config, port: 0, host: '127.0.0.1', rendererDir: '/nonexistent' })).rejects.toBeInstanceOf(NotBuiltError);
  });
});
