/**
 * An in-memory RFC 8628 authorization server behind a `fetch` function, for controller unit
 * tests: discovery, device codes, polling, refresh with rotation, revocation, userinfo and a
 * real signed ID token. Tests flip its state (approve, deny, take it offline, delay a refresh).
 * For the browser flow, `authorize(url)` plays the authorization endpoint and the person in the
 * browser: it returns where the browser would be redirected (RFC 6749 §4.1.2, with RFC 9207
 * `iss`), and the token endpoint redeems the code once, checking the PKCE verifier (RFC 7636 §4.6).
 */
import { computeCodeChallenge } from '@pairgate/shared';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

export const ISSUER = 'https://as.example';
const CLIENT_ID = 'tv-kiosk';

interface DeviceRecord {
  userCode: string;
  state: 'pending' | 'approved' | 'denied' | 'redeemed';
  /** Number matching: sent as `pairgate_match` with `authorization_pending`, as Pairgate does. */
  match?: string;
}

export interface FakeServerOptions {
  expiresIn?: number;
  interval?: number;
  accessTokenTtl?: number;
  name?: string;
  /** Sign ID tokens with a key that is not in the JWKS. */
  forgeIdTokens?: boolean;
  /** Advertise a push channel in discovery. */
  push?: boolean;
  /** The authorization endpoint discovery advertises (default `${ISSUER}/authorize`). */
  authorizationEndpoint?: string;
  /** Offer the "your devices" API: `devices:read` in `scopes_supported` and in granted scopes, and `GET /api/devices`. */
  devicesApi?: boolean;
}

export interface AuthorizeOptions {
  decision?: 'approve' | 'deny';
  /** Send back another state than the request's (an injected or mixed-up response). */
  state?: string;
  /** `iss` to send back; `null` leaves it out (default: the issuer). */
  iss?: string | null;
  /** Put another nonce than the request's into the ID token. */
  nonce?: string;
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string;
  used: boolean;
}

export async function createFakeServer(options: FakeServerOptions = {}) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const forged = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const devices = new Map<string, DeviceRecord>();
  const refreshTokens = new Set<string>();
  const accessTokens = new Set<string>();
  const codes = new Map<string, CodeRecord>();
  const requests: { method: string; path: string; params: Record<string, string> }[] = [];
  let counter = 0;
  let offline = false;
  let refreshGate: Promise<void> | undefined;
  /** What `GET /api/devices` answers instead of the list (a status), when set. */
  let devicesFailure: number | 'offline' | undefined;
  const devicesCalls: string[] = [];
  /** What `POST /revoke` answers instead of revoking, when set. */
  let revocationFailure: number | undefined;
  const hooks: { onDevicesCall?: () => void } = {};
  const issued: string[] = [];

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const error = (status: number, code: string) => json(status, { error: code });

  async function tokens(scopeName: string, audience = CLIENT_ID, nonce?: string): Promise<Record<string, unknown>> {
    counter += 1;
    const access = `at-${counter}-${crypto.randomUUID()}`;
    const refresh = `rt-${counter}-${crypto.randomUUID()}`;
    accessTokens.add(access);
    refreshTokens.add(refresh);
    issued.push(access, refresh);
    const idToken = await new SignJWT({ name: scopeName, ...(nonce === undefined ? {} : { nonce }) })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(options.forgeIdTokens ? forged.privateKey : privateKey);
    issued.push(idToken);
    return { access_token: access, token_type: 'Bearer', expires_in: options.accessTokenTtl ?? 600, refresh_token: refresh, id_token: idToken, scope: `openid profile offline_access${options.devicesApi ? ' devices:read' : ''}` };
  }

  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const { pathname } = new URL(url);
    const params = Object.fromEntries(new URLSearchParams(typeof init.body === 'string' ? init.body : ''));
    requests.push({ method: init.method ?? 'GET', path: pathname, params });
    if (init.signal?.aborted) throw init.signal.reason;
    if (offline) throw new TypeError('fetch failed');
    switch (pathname) {
      case '/.well-known/openid-configuration':
        return json(200, {
          issuer: ISSUER,
          device_authorization_endpoint: `${ISSUER}/device/code`,
          token_endpoint: `${ISSUER}/token`,
          revocation_endpoint: `${ISSUER}/revoke`,
          userinfo_endpoint: `${ISSUER}/userinfo`,
          jwks_uri: `${ISSUER}/jwks`,
          authorization_endpoint: options.authorizationEndpoint ?? `${ISSUER}/authorize`,
          code_challenge_methods_supported: ['S256'],
          authorization_response_iss_parameter_supported: true,
          ...(options.devicesApi ? { scopes_supported: ['openid', 'profile', 'offline_access', 'devices:read'] } : {}),
          ...(options.push ? { pairgate_device_events_endpoint: 'wss://as.example/oauth/device/events' } : {}),
        });
      case '/jwks':
        return json(200, { keys: [jwk] });
      case '/device/code': {
        counter += 1;
        const deviceCode = `dc-${counter}`;
        const userCode = `BCDFGHJ${'KLMNPQRSTVWXZ'[counter % 13]}`;
        devices.set(deviceCode, { userCode, state: 'pending' });
        issued.push(deviceCode);
        return json(200, {
          device_code: deviceCode,
          user_code: userCode,
          verification_uri: `${ISSUER}/activate`,
          verification_uri_complete: `${ISSUER}/activate?user_code=${userCode}`,
          expires_in: options.expiresIn ?? 600,
          ...(options.interval === undefined ? {} : { interval: options.interval }),
        });
      }
      case '/token': {
        if (params.grant_type === 'urn:ietf:params:oauth:grant-type:device_code') {
          const device = devices.get(params.device_code ?? '');
          if (!device) return error(400, 'invalid_grant');
          switch (device.state) {
            case 'pending':
              return device.match ? json(400, { error: 'authorization_pending', pairgate_match: device.match }) : error(400, 'authorization_pending');
            case 'denied':
              return error(400, 'access_denied');
            case 'redeemed':
              return error(400, 'invalid_grant');
            case 'approved':
              device.state = 'redeemed';
              return json(200, await tokens(options.name ?? 'Ada Lovelace'));
          }
        }
        if (params.grant_type === 'authorization_code') {
          const record = codes.get(params.code ?? '');
          if (!record || record.used || record.clientId !== params.client_id || record.redirectUri !== params.redirect_uri) return error(400, 'invalid_grant');
          record.used = true;
          if (!params.code_verifier || (await computeCodeChallenge(params.code_verifier)) !== record.challenge) return error(400, 'invalid_grant');
          return json(200, await tokens(options.name ?? 'Ada Lovelace', record.clientId, record.nonce));
        }
        if (params.grant_type === 'refresh_token') {
          await refreshGate;
          const token = params.refresh_token ?? '';
          if (!refreshTokens.delete(token)) return error(400, 'invalid_grant');
          return json(200, await tokens(options.name ?? 'Ada Lovelace'));
        }
        return error(400, 'unsupported_grant_type');
      }
      case '/revoke':
        if (revocationFailure !== undefined) return error(revocationFailure, revocationFailure >= 500 ? 'server_error' : 'unsupported_token_type');
        refreshTokens.delete(params.token ?? '');
        accessTokens.delete(params.token ?? '');
        return new Response(null, { status: 200 });
      case '/userinfo': {
        const token = new Headers(init.headers).get('authorization')?.replace(/^Bearer /, '') ?? '';
        if (!accessTokens.has(token)) return new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
        return json(200, { sub: 'user-1', name: options.name ?? 'Ada Lovelace' });
      }
      case '/api/devices': {
        const authorization = new Headers(init.headers).get('authorization') ?? '';
        devicesCalls.push(authorization);
        hooks.onDevicesCall?.();
        if (devicesFailure === 'offline') throw new TypeError('fetch failed');
        if (typeof devicesFailure === 'number') return new Response(null, { status: devicesFailure, headers: devicesFailure === 401 ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' } : {} });
        if (!accessTokens.has(authorization.replace(/^Bearer /, ''))) {
          return new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="urn:pairgate:api:devices", error="invalid_token"' } });
        }
        const at = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
        const app = { clientId: 'tv-kiosk', name: 'TV kiosk' };
        return json(200, {
          devices: [
            { id: 'g-kitchen', app, deviceName: 'Kitchen TV', deviceModel: 'M', approvedAt: at(600), lastUsedAt: at(5), current: false },
            { id: 'g-old', app, deviceName: 'Old TV', deviceModel: 'M', approvedAt: at(9000), lastUsedAt: null, current: false },
            { id: 'g-this', app, deviceName: 'Test TV', deviceModel: 'Model T', approvedAt: at(1), lastUsedAt: null, current: true },
            { id: 'g-laptop', app: { clientId: 'desktop-app', name: 'Pairgate desktop' }, deviceName: null, deviceModel: null, approvedAt: at(60), lastUsedAt: at(30), current: false },
            { id: 'g-phone', app: { clientId: 'cli', name: 'Pairgate CLI' }, deviceName: 'Phone\u202e', deviceModel: null, approvedAt: at(3000), lastUsedAt: null, current: false },
          ],
        });
      }
      default:
        return error(404, 'invalid_request');
    }
  };

  const pendingDevice = () => [...devices.entries()].reverse().find(([, d]) => d.state === 'pending');

  return {
    fetch,
    requests,
    /**
     * The authorization endpoint and the person: takes the URL the app opened in the browser and
     * returns the redirect the browser would follow back to the app's loopback listener.
     */
    authorize(authorizationUrl: string, answer: AuthorizeOptions = {}): string {
      const request = new URL(authorizationUrl).searchParams;
      const redirect = new URL(request.get('redirect_uri') ?? '');
      const state = answer.state ?? request.get('state') ?? '';
      if (answer.decision === 'deny') {
        redirect.search = new URLSearchParams({ error: 'access_denied', state }).toString();
      } else {
        counter += 1;
        const code = `code-${counter}-${crypto.randomUUID()}`;
        issued.push(code);
        codes.set(code, {
          clientId: request.get('client_id') ?? '',
          redirectUri: redirect.href,
          challenge: request.get('code_challenge') ?? '',
          nonce: answer.nonce ?? request.get('nonce') ?? '',
          used: false,
        });
        redirect.search = new URLSearchParams({ code, state }).toString();
      }
      const iss = answer.iss === undefined ? ISSUER : answer.iss;
      if (iss !== null) redirect.searchParams.set('iss', iss);
      return redirect.href;
    },
    /** The Authorization header of each call to `GET /api/devices`. */
    devicesCalls,
    /** Make `GET /api/devices` answer this status (or fail as a network error); undefined: normal. */
    failDevicesApi(failure: number | 'offline' | undefined) {
      devicesFailure = failure;
    },
    /** Runs at each `GET /api/devices`, before it answers. */
    set onDevicesCall(hook: (() => void) | undefined) {
      hooks.onDevicesCall = hook;
    },
    /** Forgets the access tokens only (they expired, say); refresh tokens still work. */
    expireAccessTokens() {
      accessTokens.clear();
    },
    /** Every secret it handed out: device codes, access, refresh and ID tokens. */
    issued,
    refreshTokens,
    setOffline(value: boolean) {
      offline = value;
    },
    /** Holds refresh requests until the returned function is called. */
    holdRefreshes(): () => void {
      let release!: () => void;
      refreshGate = new Promise((resolve) => (release = resolve));
      return () => {
        refreshGate = undefined;
        release();
      };
    },
    approveLatest() {
      const entry = pendingDevice();
      if (!entry) throw new Error('no pending device code');
      entry[1].state = 'approved';
    },
    /** The phone opened the confirm screen from afar: the latest code now carries a number to match. */
    matchLatest(number: string) {
      const entry = pendingDevice();
      if (!entry) throw new Error('no pending device code');
      entry[1].match = number;
    },
    /** Make `POST /revoke` answer this error status; undefined: revoke normally. */
    failRevocations(status: number | undefined) {
      revocationFailure = status;
    },
    denyLatest() {
      const entry = pendingDevice();
      if (!entry) throw new Error('no pending device code');
      entry[1].state = 'denied';
    },
    /** Revokes every refresh token, as signing the device out from the phone would. */
    revokeAll() {
      refreshTokens.clear();
      accessTokens.clear();
    },
    count(path: string, grantType?: string) {
      return requests.filter((r) => r.path === path && (grantType === undefined || r.params.grant_type === grantType)).length;
    },
  };
}

export type FakeServer = Awaited<ReturnType<typeof createFakeServer>>;
