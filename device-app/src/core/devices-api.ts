/**
 * "Your devices": the example protected API the signed-in screen calls (Pairgate's portal serves
 * it at `{issuer}/api/devices`; README "Calling an API"). The controller calls it with the access
 * token as an RFC 6750 §2.1 bearer token and turns the answer into display rows — no grant id,
 * no token — for the view state.
 *
 * Only when the server says it has it: discovery's `scopes_supported` lists `devices:read`
 * (RFC 8414 §2), or the configuration names the API's URL. Anything else (a foreign RFC 8628
 * server) is never asked for the scope and never called.
 */
import { hasScope, type AuthorizationServerMetadata, type FetchLike } from '@pairgate/shared';
import { MAX_SHOWN_DEVICES, type ShownDevice, type ShownDevices } from './view-state';

/** The scope the API requires. */
export const DEVICES_SCOPE = 'devices:read';
/** Where the API is, relative to the issuer, when discovery advertises the scope. */
export const DEVICES_PATH = '/api/devices';
/** A slow API must not leave "loading" up for long; the screen works without the list. */
const DEVICES_TIMEOUT_MS = 10_000;
/** Longest name shown; the screen ellipsises anything that still does not fit. */
const MAX_NAME = 60;

/**
 * The API's URL, or undefined when it is not to be used. `configured`: the `devicesApi` setting
 * (a URL, `off`, or unset).
 */
export function devicesApiUrl(configured: string | undefined, issuer: string, metadata: AuthorizationServerMetadata | undefined): string | undefined {
  if (configured === 'off') return undefined;
  if (configured) return configured;
  if (!metadata?.scopes_supported?.includes(DEVICES_SCOPE)) return undefined;
  return `${issuer.replace(/\/+$/, '')}${DEVICES_PATH}`;
}

/** The scope to ask for: the configured one, plus `devices:read` when the API is in use. */
export function scopeWithDevices(scope: string, apiUrl: string | undefined): string {
  return apiUrl === undefined || hasScope(scope, DEVICES_SCOPE) ? scope : `${scope} ${DEVICES_SCOPE}`;
}

/** The API refused or failed; `error` is the RFC 6750 §3 code from `WWW-Authenticate`, if any. */
export class DevicesApiError extends Error {
  override readonly name = 'DevicesApiError';
  constructor(
    readonly status: number,
    readonly error: string | null,
  ) {
    super(`The devices API answered HTTP ${status}${error ? ` (${error})` : ''}.`);
  }
}

/** GET the list with the bearer token; resolves to the rows to show, rejects with `DevicesApiError` or a fetch error. */
export async function fetchDevices(url: string, accessToken: string, fetch: FetchLike, signal: AbortSignal): Promise<Extract<ShownDevices, { status: 'ready' }>> {
  const timeout = new AbortController();
  const onAbort = () => timeout.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => timeout.abort(new DOMException('The devices API did not answer in time.', 'TimeoutError')), DEVICES_TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      method: 'GET',
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
      // A bearer token is never sent along a redirect to somewhere else.
      redirect: 'error',
      signal: timeout.signal,
    });
    if (!response.ok) {
      const challenge = response.headers.get('www-authenticate') ?? '';
      throw new DevicesApiError(response.status, /\berror="([^"]*)"/.exec(challenge)?.[1] ?? null);
    }
    return shownDevices(await response.json());
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** Untrusted JSON → at most `MAX_SHOWN_DEVICES` rows, this device first, then the most recently used. */
export function shownDevices(body: unknown): Extract<ShownDevices, { status: 'ready' }> {
  const list = typeof body === 'object' && body !== null ? (body as { devices?: unknown }).devices : undefined;
  if (!Array.isArray(list)) throw new DevicesApiError(200, 'invalid_response');
  const rows: (ShownDevice & { at: number })[] = [];
  for (const entry of list as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    const app = typeof e.app === 'object' && e.app !== null ? (e.app as Record<string, unknown>) : {};
    const appName = label(app.name) ?? label(app.clientId);
    const deviceName = label(e.deviceName);
    const name = deviceName ?? appName;
    if (name === null) continue;
    const at = Date.parse(typeof e.lastUsedAt === 'string' ? e.lastUsedAt : typeof e.approvedAt === 'string' ? e.approvedAt : '');
    rows.push({ name, app: deviceName !== null && appName !== null && appName !== deviceName ? appName : null, current: e.current === true, at: Number.isNaN(at) ? 0 : at });
  }
  rows.sort((a, b) => Number(b.current) - Number(a.current) || b.at - a.at);
  const items = rows.slice(0, MAX_SHOWN_DEVICES).map(({ name, app, current }) => ({ name, app, current }));
  return { status: 'ready', items, more: rows.length - items.length };
}

/** A name for the screen: text without control or bidi-override characters, trimmed and bounded. */
function label(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.replace(/[\p{Cc}\p{Cf}]/gu, '').replace(/\s+/g, ' ').trim();
  if (!text) return null;
  return text.length > MAX_NAME ? `${text.slice(0, MAX_NAME - 1)}…` : text;
}
