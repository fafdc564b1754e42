/**
 * Page weight of the portal: bytes transferred (as sent on the wire, i.e. compressed when the
 * server compresses, headers included) for a FIRST load — empty cache — of /login, /activate
 * and the confirm screen, measured in Chromium through the DevTools protocol
 * (`Network.loadingFinished.encodedDataLength`, summed over every request the page makes until
 * the network is idle). Signed-in pages use a session made over plain HTTP first, so only the
 * page itself is measured.
 *
 *   npx tsx bench/page-weight.ts            (from verify-portal/, after `npx next build`)
 *
 * Prints one JSON object on stdout: per page the total, the number of requests, and each
 * resource (type, encoding, bytes).
 */
import { chromium, devices } from 'playwright-core';
import { CHROMIUM_PATH } from '../test/support/browser';
import { startPortal } from '../test/support/portal';

interface Resource {
  url: string;
  type: string;
  encoding: string;
  bytes: number;
}

const portal = await startPortal();
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

try {
  const base = portal.issuer;
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  };
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

  // Sign in over HTTP: the login page's pre-session cookie and CSRF token, then the form POST.
  const loginPage = await fetch(`${base}/login`);
  remember(loginPage);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await loginPage.text())?.[1] ?? '';
  const signedIn = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader() },
    body: new URLSearchParams({ csrf, email: 'demo@example.com', password: 'pairgate-demo', next: '/activate' }),
  });
  remember(signedIn);

  async function measure(path: string, withSession: boolean): Promise<{ path: string; bytes: number; requests: number; resources: Resource[] }> {
    const context = await browser.newContext({ ...devices['Pixel 7'] });
    if (withSession) {
      await context.addCookies([...jar].filter(([k, v]) => k.endsWith('session') && v).map(([name, value]) => ({ name, value, url: base })));
    }
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const meta = new Map<string, { url: string; type: string; encoding: string }>();
    const resources: Resource[] = [];
    cdp.on('Network.responseReceived', (e) => {
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
      meta.set(e.requestId, { url: e.response.url.replace(base, ''), type: e.type ?? 'Other', encoding: headers['content-encoding'] ?? 'identity' });
    });
    cdp.on('Network.loadingFinished', (e) => {
      const m = meta.get(e.requestId);
      resources.push({ url: m?.url ?? '?', type: m?.type ?? '?', encoding: m?.encoding ?? '?', bytes: e.encodedDataLength });
    });
    await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
    const landed = new URL(page.url()).pathname;
    if (landed !== path.split('?')[0]) throw new Error(`expected ${path}, landed on ${landed}`);
    await context.close();
    return { path, bytes: resources.reduce((n, r) => n + r.bytes, 0), requests: resources.length, resources };
  }

  const login = await measure('/login', false);
  const activate = await measure('/activate', true);

  // A device asks for a code; the signed-in phone enters it, which puts it on the confirm screen.
  const device = (await (
    await fetch(`${base}/oauth/device/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'tv-kiosk', scope: 'openid profile offline_access', device_name: 'Living room TV' }),
    })
  ).json()) as { user_code: string };
  const activateHtml = await (await fetch(`${base}/activate`, { headers: { cookie: cookieHeader() } })).text();
  const sessionCsrf = /name="csrf" value="([^"]+)"/.exec(activateHtml)?.[1] ?? '';
  const entered = await fetch(`${base}/activate`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader() },
    body: new URLSearchParams({ csrf: sessionCsrf, user_code: device.user_code }),
  });
  if (entered.headers.get('location') !== '/activate/confirm') throw new Error('could not reach the confirm screen');
  const confirm = await measure('/activate/confirm', true);

  const summary = Object.fromEntries(
    [login, activate, confirm].map((m) => [m.path, { bytes: m.bytes, kib: Math.round((m.bytes / 1024) * 10) / 10, requests: m.requests, resources: m.resources }]),
  );
  console.log(JSON.stringify({ measuredWith: 'Chromium DevTools Network.loadingFinished encodedDataLength, cold cache, Pixel 7', pages: summary }, null, 2));
} finally {
  await browser.close();
  await portal.stop();
}
