/**
 * `pairgate status`: who is signed in, with which server and client, and until when — from the
 * token file, never printing a token — and whether the server still honours it: a current access
 * token is shown to /userinfo (OIDC Core §5.3), an expired one is renewed with the refresh token
 * (RFC 6749 §6; the rotated tokens are saved, as any use would). A refusal there
 * (`invalid_token`, `invalid_grant`) means the server ended the sign-in — signed out from a phone,
 * "This wasn't me", or replaced by a newer login of this machine. Exit 0 while the sign-in is
 * usable, 1 otherwise; a server that cannot be reached leaves the file to decide.
 */
import {
  OAuthError,
  discover,
  hasScope,
  processTokenResponse,
  processUserInfoResponse,
  refreshTokenGrantRequest,
  userInfoRequest,
} from '@pairgate/shared';
import { describeError } from '../core/diagnostics';
import { ExitCode, type CliIo } from './io';
import { loadSavedSignIn, serverRequestOptions } from './saved-sign-in';
import { Terminal } from './terminal';
import { savedTokens, writeTokenFile, type SavedTokens } from './token-file';

/** What the server said of the saved sign-in. */
type Check = { kind: 'live' } | { kind: 'renewed'; tokens: SavedTokens } | { kind: 'ended' } | { kind: 'unknown'; reason: string } | { kind: 'unchecked' };

/** "in 8 minutes", "3 hours ago": how far `at` is from `now`, in the largest whole unit. */
export function relativeTime(at: number, now: number): string {
  const seconds = Math.round((at - now) / 1000);
  const units: [string, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
    ['second', 1],
  ];
  const [unit, size] = units.find(([, s]) => Math.abs(seconds) >= s) ?? ['second', 1];
  const count = Math.floor(Math.abs(seconds) / size);
  const phrase = `${count} ${unit}${count === 1 ? '' : 's'}`;
  return seconds >= 0 ? `in ${phrase}` : `${phrase} ago`;
}

export async function status(io: CliIo): Promise<number> {
  const out = new Terminal(io.stderr);
  const now = (io.now ?? Date.now)();
  const saved = loadSavedSignIn(io);
  if (saved.kind === 'unreadable') {
    out.line(`pairgate: ${saved.problem} Run \`pairgate login\` to sign in again.`);
    return ExitCode.failed;
  }
  if (saved.kind === 'none') {
    out.line('Not signed in. Run `pairgate login` to sign in.');
    return ExitCode.failed;
  }
  const { dir, file } = saved;
  let { tokens } = saved;
  const who = tokens.name ? `${tokens.name}${tokens.sub ? ` (${tokens.sub})` : ''}` : (tokens.sub ?? 'someone the server did not name');
  out.line(`Signed in to ${tokens.issuer} as ${who}, with client ${tokens.client_id}.`);
  const check = await checkWithServer(tokens, now, io);
  if (check.kind === 'ended') {
    out.line('The server has ended this sign-in (signed out from a phone or the devices page, or replaced by a newer one).');
    out.line('Run `pairgate login` to sign in again.');
    return ExitCode.failed;
  }
  if (check.kind === 'renewed') {
    writeTokenFile(dir, check.tokens);
    tokens = check.tokens;
  }
  const expiresAt = tokens.expires_at === undefined ? undefined : Date.parse(tokens.expires_at);
  const expired = expiresAt !== undefined && expiresAt <= now;
  if (expiresAt === undefined) out.line('Access token: no expiry given by the server.');
  else out.line(`Access token: ${check.kind === 'renewed' ? 'renewed, expires' : expired ? 'expired' : 'expires'} ${new Date(expiresAt).toISOString()} (${relativeTime(expiresAt, now)}).`);
  out.line(tokens.refresh_token ? 'Refresh token: kept, so the sign-in can be renewed.' : 'Refresh token: none (ask for offline_access to stay signed in).');
  if (tokens.scope) out.line(`Scope: ${tokens.scope}`);
  if (check.kind === 'live' || check.kind === 'renewed') out.line('The server confirms the sign-in is live.');
  else if (check.kind === 'unknown') out.line(`Could not check with ${tokens.issuer} (${check.reason}).`);
  out.line(`Tokens obtained ${relativeTime(Date.parse(tokens.obtained_at), now)}, in ${file}`);
  return expired && !tokens.refresh_token ? ExitCode.failed : ExitCode.ok;
}

/** Asks the server about the saved sign-in, with the access token while it is current, else by renewing it. */
async function checkWithServer(tokens: SavedTokens, now: number, io: CliIo): Promise<Check> {
  const options = serverRequestOptions(io);
  const current = tokens.expires_at === undefined || Date.parse(tokens.expires_at) > now;
  try {
    const metadata = await discover(tokens.issuer, options);
    // /userinfo answers only for `openid` tokens (OIDC Core §5.3).
    if (current && metadata.userinfo_endpoint && (tokens.id_token !== undefined || hasScope(tokens.scope ?? '', 'openid'))) {
      await processUserInfoResponse(await userInfoRequest(metadata, tokens.access_token, options), tokens.sub);
      return { kind: 'live' };
    }
    if (current || !tokens.refresh_token) return { kind: 'unchecked' };
    const fresh = await processTokenResponse(await refreshTokenGrantRequest(metadata, { client_id: tokens.client_id }, tokens.refresh_token, options));
    const renewed = savedTokens(fresh, { issuer: tokens.issuer, clientId: tokens.client_id, now, sub: tokens.sub, name: tokens.name });
    // RFC 6749 §6: no new refresh token means the old one stays in use.
    return { kind: 'renewed', tokens: { ...renewed, refresh_token: fresh.refresh_token ?? tokens.refresh_token } };
  } catch (error) {
    // RFC 6750 §3.1 invalid_token at /userinfo, RFC 6749 §5.2 invalid_grant at the token endpoint.
    if (error instanceof OAuthError && (error.error === 'invalid_token' || error.error === 'invalid_grant')) return { kind: 'ended' };
    return { kind: 'unknown', reason: describeError(error) };
  }
}
