/**
 * Node `http` glue for the portal side of the custom server: per-request security headers and
 * the trusted client address for every non-OAuth request, and the form POST handlers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientAddressOf } from '../../oauth/http/node-adapter';
import type { Provider } from '../../oauth/provider';
import { discardBody, readBody } from '../../server/body';
import type { StoreAvailability } from '../../server/store-availability';
import { isStoreUnavailable, STORE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../store/unavailable';
import type { Store } from '../../store/store';
import { portalDefaults } from '../defaults';
import { formHandlerFor } from '../forms/index';
import type { FormContext, FormResult } from '../forms/types';
import { cookieNames, isWellFormedSecret, newSecret, preSessionCookie } from '../session';
import { CLIENT_IP_HEADER } from './client-ip';
import { parseCookies } from './cookies';
import { authorizationFormTargets } from './form-targets';
import { createNonce, securityHeaders } from './security-headers';
import { statusPageHtml, type AnyStatusPage } from './status-page';
import { renderUnlessDatabaseAway } from './unavailable-page';

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

  const ip = clientAddressOf(req, options.trustProxy);
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
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (!handler || type !== 'application/x-www-form-urlencoded') {
      discardBody(req, res);
      return writePage(res, 400, 'bad-request', prepared.nonce);
    }
    const body = await readBody(req, res, portalDefaults.maxFormBytes);
    if (!body.ok) return writePage(res, body.reason === 'too-large' ? 413 : 400, body.reason === 'too-large' ? 'too-large' : 'bad-request', prepared.nonce);
    const result = await handler(
      { ...ctx, names: cookieNames(ctx.secure), settings: portalDefaults },
      { path: pathname, form: new URLSearchParams(body.text), cookies: parseCookies(req.headers.cookie), clientIp: prepared.clientIp, now: Date.now() },
    );
    writeResult(res, result, prepared.nonce);
  } catch (err) {
    writeFailure(res, err, prepared.nonce, onUnexpected);
  }
}

export interface PortalHandlerOptions {
  provider: Provider;
  store: Store;
  https: boolean;
  dev: boolean;
  trustProxy: boolean;
  /** Whether the database is known to be away (server/store-availability.ts): pages answer 503 then. */
  availability: StoreAvailability;
  /** Next.js's request handler: every GET/HEAD that is not the core's, the API's or a health check. */
  handleNext: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  onUnexpected: (err: unknown) => void;
}

/**
 * The portal side of the server: security headers and the client address on every response,
 * form POSTs to their handlers (framework-free, our status codes), GET/HEAD to Next.js, and
 * nothing else (the pages use no server actions). While the database is away, pages answer 503
 * with Retry-After and a "back in a moment" page, never Next's 500.
 */
export function createPortalHandler(options: PortalHandlerOptions): (req: IncomingMessage, res: ServerResponse, target: URL) => Promise<void> {
  const { provider, store, https, availability, onUnexpected } = options;
  return async (req, res, target) => {
    // The sign-in and consent pages of an authorization request may send their form on to the
    // app's (checked) redirect URI: their CSP form-action says so (see form-targets.ts).
    let formTargets: string[] = [];
    if (req.method === 'GET' && (target.pathname === '/login' || target.pathname === '/consent')) {
      formTargets = await authorizationFormTargets({ provider, store, secure: https }, target.pathname, target.searchParams, req.headers.cookie, Date.now()).catch((err: unknown) => {
        onUnexpected(err);
        return [];
      });
    }
    const prepared = preparePortalRequest(req, res, { https, dev: options.dev, trustProxy: options.trustProxy, formTargets });
    if (isFormPost(req)) {
      await serveForm({ store, provider, secure: https }, req, res, prepared, onUnexpected);
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      discardBody(req, res);
      const text = 'Method not allowed.';
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    } else if (!availability.available() && !target.pathname.startsWith('/_next/')) {
      // Known to be away: answered at once, instead of rendering a page whose loader would wait
      // for the database's timeouts and fail. Built assets need no database.
      writeUnavailablePage(res, prepared.nonce);
    } else {
      // A page that finds the database away while it renders gets the same 503 (Next would send
      // its 500: see unavailable-page.ts); what fails around Next is caught here.
      await availability
        .inRequest((databaseAway) => renderUnlessDatabaseAway(res, () => options.handleNext(req, res), databaseAway, () => writeUnavailablePage(res, prepared.nonce)))
        .catch((err: unknown) => writeFailure(res, err, prepared.nonce, onUnexpected));
    }
  };
}

/**
 * A request that failed on our side: 503 with `Retry-After` while the database is away (it will
 * recover by itself and the person can simply retry; see store/unavailable.ts), else 500.
 * Either way a page, never a stack.
 */
export function writeFailure(res: ServerResponse, err: unknown, nonce: string, onUnexpected: (err: unknown) => void): void {
  onUnexpected(err);
  if (isStoreUnavailable(err)) writeUnavailablePage(res, nonce);
  else writePage(res, 500, 'server-error', nonce);
}

/** 503 + Retry-After (RFC 9110 §15.6.4, §10.2.3) and the "back in a moment" page: the database is away. */
function writeUnavailablePage(res: ServerResponse, nonce: string): void {
  writePage(res, 503, 'unavailable', nonce, STORE_UNAVAILABLE_RETRY_AFTER_SECONDS);
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

export function writePage(res: ServerResponse, status: number, page: AnyStatusPage, nonce: string, retryAfterSeconds?: number): void {
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
