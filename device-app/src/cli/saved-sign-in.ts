/**
 * What `pairgate status` and `pairgate logout` share: the saved sign-in read as one value (none,
 * a file that is not ours, or the tokens), and the options of the one short exchange each has
 * with the server.
 */
import type { FetchLike } from '@pairgate/shared';
import type { CliIo } from './io';
import { TokenFileError, configDir, readTokenFile, type SavedTokens } from './token-file';

/** Neither command may hang a terminal on a dead network. */
const SERVER_TIMEOUT_MS = 10_000;

export type SavedSignIn =
  | { kind: 'none'; dir: string }
  /** `problem` says which file and what is wrong with it, never echoing its content (it may hold a token). */
  | { kind: 'unreadable'; dir: string; problem: string }
  | { kind: 'saved'; dir: string; file: string; tokens: SavedTokens };

/** The token file of this user's config directory, as a `SavedSignIn`; anything but a `TokenFileError` is thrown on. */
export function loadSavedSignIn(io: CliIo): SavedSignIn {
  const dir = configDir(io.env, io.platform, io.home);
  try {
    const saved = readTokenFile(dir);
    return saved ? { kind: 'saved', dir, ...saved } : { kind: 'none', dir };
  } catch (error) {
    if (!(error instanceof TokenFileError)) throw error;
    return { kind: 'unreadable', dir, problem: error.message };
  }
}

/** Request options for talking to the server: given up on Ctrl-C or after `SERVER_TIMEOUT_MS`, with the test's fetch when it gives one. */
export function serverRequestOptions(io: CliIo): { signal: AbortSignal; fetch?: FetchLike } {
  const signal = AbortSignal.any([io.signal, AbortSignal.timeout(SERVER_TIMEOUT_MS)]);
  return io.fetch ? { signal, fetch: io.fetch } : { signal };
}
