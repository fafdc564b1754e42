/**
 * `pairgate status`: who is signed in, with which server and client, and until when — from the
 * token file, never printing a token. Exit 0 while the sign-in is usable (the access token is
 * current, or a refresh token can renew it), 1 otherwise.
 */
import { ExitCode, type CliIo } from './io';
import { Terminal } from './terminal';
import { TokenFileError, configDir, readTokenFile } from './token-file';

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

export function status(io: CliIo): number {
  const out = new Terminal(io.stderr);
  const now = (io.now ?? Date.now)();
  let saved: ReturnType<typeof readTokenFile>;
  try {
    saved = readTokenFile(configDir(io.env, io.platform, io.home));
  } catch (error) {
    if (!(error instanceof TokenFileError)) throw error;
    out.line(`pairgate: ${error.message} Run \`pairgate login\` to sign in again.`);
    return ExitCode.failed;
  }
  if (!saved) {
    out.line('Not signed in. Run `pairgate login` to sign in.');
    return ExitCode.failed;
  }
  const { tokens, file } = saved;
  const who = tokens.name ? `${tokens.name}${tokens.sub ? ` (${tokens.sub})` : ''}` : (tokens.sub ?? 'someone the server did not name');
  out.line(`Signed in to ${tokens.issuer} as ${who}, with client ${tokens.client_id}.`);
  const expiresAt = tokens.expires_at === undefined ? undefined : Date.parse(tokens.expires_at);
  const expired = expiresAt !== undefined && expiresAt <= now;
  if (expiresAt === undefined) out.line('Access token: no expiry given by the server.');
  else out.line(`Access token: ${expired ? 'expired' : 'expires'} ${new Date(expiresAt).toISOString()} (${relativeTime(expiresAt, now)}).`);
  out.line(tokens.refresh_token ? 'Refresh token: kept, so the sign-in can be renewed.' : 'Refresh token: none (ask for offline_access to stay signed in).');
  if (tokens.scope) out.line(`Scope: ${tokens.scope}`);
  out.line(`Signed in ${relativeTime(Date.parse(tokens.obtained_at), now)}; tokens in ${file}`);
  return expired && !tokens.refresh_token ? ExitCode.failed : ExitCode.ok;
}
