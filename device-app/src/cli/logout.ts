/**
 * `pairgate logout`: tells the server the sign-in is over — the refresh token revoked (RFC 7009
 * §2.1; the server ends the grant's access tokens with it), or the access token when there is no
 * refresh token — and removes the token file. The file goes whatever the server says: this
 * machine is signed out either way, and the message says when the server could not be told.
 */
import { discover, processRevocationResponse, revocationRequest, type TokenTypeHint } from '@pairgate/shared';
import { describeError } from '../core/diagnostics';
import { ExitCode, type CliIo } from './io';
import { loadSavedSignIn, serverRequestOptions } from './saved-sign-in';
import { Terminal } from './terminal';
import { removeTokenFile, type SavedTokens } from './token-file';

export async function logout(io: CliIo): Promise<number> {
  const out = new Terminal(io.stderr);
  const saved = loadSavedSignIn(io);
  if (saved.kind === 'unreadable') {
    removeTokenFile(saved.dir);
    out.line(`pairgate: ${saved.problem} Removed it; nothing could be revoked.`);
    return ExitCode.failed;
  }
  if (saved.kind === 'none') {
    out.line('Not signed in.');
    return ExitCode.ok;
  }
  const problem = await revoke(saved.tokens, io);
  removeTokenFile(saved.dir);
  if (problem) {
    out.line(`Signed out here (${saved.file} removed), but ${problem}`);
    out.line('The sign-in stays live at the server until it expires, or until you sign this device out from your account’s devices page.');
    return ExitCode.failed;
  }
  out.line(`Signed out of ${saved.tokens.issuer}.`);
  return ExitCode.ok;
}

/** Revokes the sign-in; resolves to what went wrong (a sentence's end), or undefined. */
async function revoke(tokens: SavedTokens, io: CliIo): Promise<string | undefined> {
  const options = serverRequestOptions(io);
  try {
    const metadata = await discover(tokens.issuer, options);
    if (!metadata.revocation_endpoint) return `${tokens.issuer} offers no way to revoke a sign-in (no revocation endpoint).`;
    const [token, hint]: [string, TokenTypeHint] = tokens.refresh_token ? [tokens.refresh_token, 'refresh_token'] : [tokens.access_token, 'access_token'];
    await processRevocationResponse(await revocationRequest(metadata, { client_id: tokens.client_id }, token, hint, options));
    return undefined;
  } catch (error) {
    return `${tokens.issuer} could not be told (${describeError(error)}).`;
  }
}
