/**
 * `pairgate login` with a code (RFC 8628): the URL, the code and a QR code on the terminal, the
 * shared `DeviceFlow` polling, and — where the server offers it — the push hint, so an approval
 * on the phone is collected at once instead of at the next poll. The number to pick on the phone
 * when the server asks for number matching, and this machine's device id (`device_id`, kept in
 * the config directory), so logging in again replaces the earlier sign-in.
 */
import { hostname } from 'node:os';
import { DeviceFlow, OAuthError, formatUserCode, isTransient, type AuthorizationServerMetadata, type DeviceFlowResult } from '@pairgate/shared';
import type { AppConfig } from '../config';
import { IdTokenVerifier } from '../core/id-token-verifier';
import { pushEndpoint, watchDeviceStatus } from '../core/push-hint';
import { loadOrCreateDeviceId } from '../device-id-file';
import { CliFailure, ExitCode, isConfigurationError, type CliIo, type SignedIn } from './io';
import { formatRemaining, type Terminal } from './terminal';
import { configDir } from './token-file';
import { nodeWebSocketFactory } from './web-socket';

export async function deviceLogin(config: AppConfig, metadata: AuthorizationServerMetadata, io: CliIo, out: Terminal): Promise<SignedIn> {
  if (!metadata.device_authorization_endpoint) {
    throw new CliFailure(ExitCode.usage, `${config.issuer} offers no device flow (RFC 8628), and no browser can be opened here.`);
  }
  const now = io.now ?? Date.now;
  const flow = new DeviceFlow({
    metadata,
    client: { client_id: config.clientId },
    scope: config.scope,
    // RFC 8628 §5.4: the person checks on their phone which device they are approving.
    deviceName: `pairgate login on ${hostname()}`.slice(0, 80),
    deviceModel: 'Pairgate command line',
    deviceId: loadOrCreateDeviceId(configDir(io.env, io.platform, io.home)),
    ...(io.fetch ? { fetch: io.fetch } : {}),
    ...(io.now ? { now: io.now } : {}),
    ...(io.sleep ? { sleep: io.sleep } : {}),
  });
  let shownCode: string | undefined;
  let expiresAt = 0;
  let reconnecting = false;
  let opened = false;
  /** Number matching: the number to pick on the phone, once the server has sent it. */
  let match: string | undefined;
  let closePush: (() => void) | undefined;
  let shown: Promise<void> = Promise.resolve();
  const redraw = () => {
    if (!shownCode) return;
    const left = formatRemaining(expiresAt - now());
    if (reconnecting) out.status(`Reconnecting… the code still works for ${left}`);
    else if (match) out.status(`Pick ${match} on your phone… the code expires in ${left}`);
    else out.status(opened ? `Continue on your phone… the code expires in ${left}` : `Waiting for approval… the code expires in ${left}`);
  };
  const statusLine = () => {
    if (out.tty) redraw();
    else out.status('', reconnecting ? 'Cannot reach the server; retrying. The code still works.' : match ? `Pick ${match} on your phone.` : opened ? 'Continue on your phone…' : 'Waiting for approval…');
  };
  const showMatch = (number: string) => {
    if (match === number) return;
    match = number;
    void shown.then(statusLine);
  };
  /**
   * The push hint (README "Push"), when the server offers it: `approved`, `denied` and `expired`
   * poll at once — the token endpoint still decides (RFC 8628 §3.5) — `opened` says the
   * person has the page open, and `match` brings the number to pick. Without it, or if it fails,
   * polling does all the work (and the number comes with `authorization_pending`).
   */
  const watchPush = (deviceCode: string) => {
    const url = pushEndpoint(metadata);
    const create = io.webSocket === undefined ? nodeWebSocketFactory : io.webSocket;
    if (!url || !create) return () => undefined;
    return watchDeviceStatus(create, url, deviceCode, (message) => {
      if (message.type === 'match') showMatch(message.number);
      else if (message.status === 'opened') {
        opened = true;
        void shown.then(statusLine);
      } else {
        flow.pollNow();
      }
    });
  };
  const timer = out.tty ? setInterval(redraw, io.tickMs ?? 1000) : undefined;
  const unsubscribe = flow.subscribe((state) => {
    switch (state.status) {
      case 'waiting':
      case 'reconnecting': {
        const { authorization } = state;
        if (authorization.user_code !== shownCode) {
          shownCode = authorization.user_code;
          expiresAt = state.expiresAt;
          shown = shown.then(() => showCode(out, authorization.verification_uri, authorization.verification_uri_complete, authorization.user_code, expiresAt - now()));
        }
        closePush ??= watchPush(authorization.device_code);
        reconnecting = state.status === 'reconnecting';
        // A device that only polls learns the number from authorization_pending (pairgate_match).
        if (state.match !== undefined) match = state.match;
        void shown.then(statusLine);
        break;
      }
      default:
        break;
    }
  });
  let result: DeviceFlowResult;
  try {
    result = await flow.start(io.signal);
    await shown;
  } finally {
    unsubscribe();
    closePush?.();
    if (timer) clearInterval(timer);
    out.endStatus();
  }
  switch (result.status) {
    case 'approved': {
      const tokens = result.tokens;
      let sub: string | undefined;
      let name: string | undefined;
      if (tokens.id_token && metadata.jwks_uri) {
        try {
          const claims = await new IdTokenVerifier({ clientId: config.clientId, ...(io.fetch ? { fetch: io.fetch } : {}), now }).verify(tokens.id_token, metadata, io.signal);
          sub = claims.sub;
          name = typeof claims.name === 'string' ? claims.name : undefined;
        } catch {
          if (io.signal.aborted) throw new CliFailure(ExitCode.interrupted, 'cancelled.');
          throw new CliFailure(ExitCode.failed, 'the sign-in could not be verified (ID token), so nothing was saved.');
        }
      }
      return { tokens, clientId: config.clientId, sub, name };
    }
    case 'denied':
      throw new CliFailure(ExitCode.failed, 'access was denied.');
    case 'expired':
      throw new CliFailure(ExitCode.failed, 'the code expired before it was approved. Run `pairgate login` again for a new one.');
    case 'cancelled':
      throw new CliFailure(ExitCode.interrupted, 'cancelled.');
    case 'failed':
      if (isConfigurationError(result.error)) {
        throw new CliFailure(ExitCode.usage, `the server refused this client (${(result.error as OAuthError).error}). Check --client-id and --scope.`);
      }
      if (isTransient(result.error)) throw new CliFailure(ExitCode.failed, `cannot reach ${config.issuer}.`);
      throw new CliFailure(ExitCode.failed, `the sign-in failed (${result.error instanceof OAuthError ? result.error.error : 'invalid response'}).`);
  }
}

function showCode(out: Terminal, uri: string, complete: string | undefined, userCode: string, expiresInMs: number): void {
  out.line();
  out.line('To sign in, open this page on your phone or computer:');
  out.line();
  out.line(`  ${complete ?? uri}`);
  out.line();
  out.line(complete ? `or go to ${uri} and enter the code:` : 'and enter the code:');
  out.line();
  out.line(`  ${formatUserCode(userCode)}`);
  out.line();
  out.qr(complete ?? uri);
  out.line();
  if (!out.tty) out.line(`The code expires in ${Math.max(1, Math.round(expiresInMs / 60_000))} minutes.`);
}
