import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BrowserSignInError, type LoopbackListener } from '../core/desktop-sign-in';
import { startLoopback } from './loopback';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One GET on a fresh connection (no pooling, so "closed" means closed). */
function get(url: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BrowserSignInError) return error.reason;
    throw error;
  }
  throw new Error('did not reject');
}

describe('loopback listener (RFC 8252 §7.3)', () => {
  let listener: LoopbackListener | undefined;
  afterEach(() => listener?.close());

  it('listens on 127.0.0.1 on a port the OS picked, at /callback', async () => {
    listener = await startLoopback();
    expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d{2,5}\/callback$/);
    expect(listener.redirectUri).not.toMatch(/:0\//);
  });

  it('takes exactly one callback; other paths get 404 and do not count; then the port is closed', async () => {
    listener = await startLoopback();
    const base = new URL(listener.redirectUri);
    const favicon = await get(new URL('/favicon.ico', base).href);
    expect(favicon.status).toBe(404);
    expect((await get(new URL('/callback/extra?code=x', base).href)).status).toBe(404);
    expect((await get(listener.redirectUri, 'POST')).status).toBe(405);

    const tab = get(`${listener.redirectUri}?code=the-code-123&state=s&iss=x`);
    const url = await listener.callback;
    expect(url.searchParams.get('code')).toBe('the-code-123');
    // The one request has come: nobody else gets in, not even to the same path.
    await expect(get(`${listener.redirectUri}?code=second&state=s`)).rejects.toThrow(/ECONNREFUSED/);

    listener.respond('signed-in');
    const page = await tab;
    expect(page.status).toBe(200);
    expect(page.body).toContain('You’re signed in. You can close this tab and return to Pairgate.');
    expect(page.body).not.toContain('the-code-123');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.body).not.toMatch(/<script|<img|<link|https?:\/\//);
    await expect(get(listener.redirectUri)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('shows a clear page for a state mismatch, a denial and a failure, never the code', async () => {
    for (const [outcome, text] of [
      ['state-mismatch', 'does not belong to the sign-in Pairgate started'],
      ['denied', 'access was denied'],
      ['failed', 'could not complete the sign-in'],
    ] as const) {
      listener = await startLoopback();
      const tab = get(`${listener.redirectUri}?code=secret-code-9&state=wrong`);
      await listener.callback;
      listener.respond(outcome);
      const page = await tab;
      expect(page.status).toBe(400);
      expect(page.body).toContain(text);
      expect(page.body).not.toContain('secret-code-9');
      listener.close();
    }
  });

  it('closes when the sign-in is cancelled', async () => {
    const abort = new AbortController();
    listener = await startLoopback({ signal: abort.signal });
    const uri = listener.redirectUri;
    abort.abort();
    expect(await reason(listener.callback)).toBe('cancelled');
    await expect(get(uri)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('close() also ends it, and a tab still waiting gets an error page', async () => {
    listener = await startLoopback();
    const tab = get(`${listener.redirectUri}?code=c&state=s`);
    await listener.callback;
    listener.close();
    const page = await tab;
    expect(page.body).toContain('could not complete the sign-in');
  });

  it('closes after its time limit (5 minutes by default)', async () => {
    listener = await startLoopback({ timeoutMs: 50 });
    const uri = listener.redirectUri;
    expect(await reason(listener.callback)).toBe('timeout');
    await expect(get(uri)).rejects.toThrow(/ECONNREFUSED/);
  });
});
