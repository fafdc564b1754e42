/**
 * Node `http` glue for the portal side of the custom server: per-request security headers and
 * the trusted client address for every non-OAuth request, and the form POST handlers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { portalDefaults } from '../defaults';
import { formHandlerFor } from '../forms/index';
import type { FormContext, FormResult } from '../forms/types';
import { cookieNames, isWellFormedSecret, newSecret, preSessionCookie } from '../session';
import { CLIENT_IP_HEADER, clientIp } from './client-ip';
import { parseCookies } from './cookies';
import { createNonce, securityHeaders } from './security-headers';
import { statusPageHtml, type AnyStatusPage } from './status-page';

export interface PreparedRequest {
  nonce: string;
  clientIp: string;
}

/**
 * Runs before Next.js or a form handler sees the request:
 * - a fresh CSP nonce, sent on the response and put on the request's `content-security-policy`
 *   header, which is where Next.js reads it for its own <script> tags;
 * - the other security headers on the response;
 * - `x-pairgate-client-ip` overwritten with the real client address (a client-sent one is dropped);
 * - on GET /login, a pre-session cookie for the login form's CSRF token if there is none yet,
 *   added to the request's Cookie header too so the page renders the matching token.
 */
export function preparePortalRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: { https: boolean; dev: boolean; trustProxy: boolean; /** See `form-targets.ts`. */ formTargets?: readonly string[] },
): PreparedRequest {
  const nonce = createNonce();
  const headers = securityHeaders({ nonce, https: options.https, dev: options.dev, formTargets: options.formTargets ?? [] });
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  req.headers['content-security-policy'] = headers['Content-Security-Policy'];
  delete req.headers['content-security-policy-report-only'];

  const ip = clientIp(req, options.trustProxy);
  req.headers[CLIENT_IP_HEADER] = ip;

  const pathname = (req.url ?? '/').split('?', 1)[0];
  if (req.method === 'GET' && pathname === '/login') {
    const names = cookieNames(options.https);
    if (!isWellFormedSecret(parseCookies(req.headers.cookie).get(names.preSession))) {
      const secret = newSecret();
      res.appendHeader('Set-Cookie', preSessionCookie(names, secret, options.https));
      req.headers.cookie = `${names.preSession}=${secret}${req.headers.cookie ? `; ${req.headers.cookie}` : ''}`;
    }
  }
  return { nonce, clientIp: ip };
}

/** Whether this request is a portal form POST (handled here, never by Next.js). */
export function isFormPost(req: IncomingMessage): boolean {
  const pathname = (req.url ?? '/').split('?', 1)[0] ?? '/';
  return req.method === 'POST' && formHandlerFor(pathname) !== undefined;
}

export async function serveForm(
  ctx: Omit<FormContext, 'names' | 'settings'>,
  req: IncomingMessage,
  res: ServerResponse,
  prepared: PreparedRequest,
  onUnexpected: (err: unknown) => void,
): Promise<void> {
  const pathname = (req.url ?? '/').split('?', 1)[0] ?? '/';
  const handler = formHandlerFor(pathname);
  try {
    if (!handler) return writePage(res, 400, 'bad-request', prepared.nonce);
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      req.resume();
      return writePage(res, 400, 'bad-request', prepared.nonce);
    }
    const body = await readBody(req, portalDefaults.maxFormBytes);
    if (body === undefined) return writePage(res, 413, 'too-large', prepared.nonce);
    const result = await handler(
      { ...ctx, names: cookieNames(ctx.secure), settings: portalDefaults },
      { path: pathname, form: new URLSearchParams(body), cookies: parseCookies(req.headers.cookie), clientIp: prepared.clientIp, now: Date.now() },
    );
    writeResult(res, result, prepared.nonce);
  } catch (err) {
    onUnexpected(err);
    writePage(res, 500, 'server-error', prepared.nonce);
  }
}

function writeResult(res: ServerResponse, result: FormResult, nonce: string): void {
  if (result.kind === 'redirect') {
    if (res.headersSent) return;
    for (const cookie of result.setCookies ?? []) res.appendHeader('Set-Cookie', cookie);
    res.writeHead(303, { Location: result.location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
    res.end();
    return;
  }
  if (result.kind === 'document') {
    if (res.headersSent) return;
    // Its headers replace the portal's (its CSP allows its one script and its form target).
    res.writeHead(result.status, { ...result.headers, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(result.html) });
    res.end(result.html);
    return;
  }
  writePage(res, result.status, result.page, nonce, result.retryAfterSeconds);
}

function writePage(res: ServerResponse, status: number, page: AnyStatusPage, nonce: string, retryAfterSeconds?: number): void {
  if (res.headersSent) return;
  const html = statusPageHtml(page, nonce, retryAfterSeconds);
  const headers: Record<string, string | number> = {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
  };
  // RFC 6585 §4 / RFC 9110 §10.2.3: when to come back.
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = retryAfterSeconds;
  res.writeHead(status, headers);
  res.end(html);
}

/** The body as text, or undefined when it is larger than `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
