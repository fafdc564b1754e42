/**
 * What every `pairgate` command shares: the exit codes, what it is given to run with (streams,
 * environment, Ctrl-C; clocks and I/O that tests replace), and the failure that carries a
 * printable message (no token, no code) and its exit code.
 */
import { OAuthError, type FetchLike, type Sleep, type TokenResponse } from '@pairgate/shared';
import type { LoopbackFactory } from '../core/desktop-sign-in';
import type { WebSocketFactory } from '../core/push-hint';
import type { OutputStream } from './terminal';

export const ExitCode = {
  /** Signed in (login), signed out (logout), signed in and usable (status). */
  ok: 0,
  /** Not signed in: denied, expired, cancelled, refused, unreachable; logout could not tell the server; status finds no usable sign-in. */
  failed: 1,
  /** Bad arguments or configuration, or a server that refuses this client. */
  usage: 2,
  /** Interrupted (Ctrl-C): 128 + SIGINT, as shells report it. */
  interrupted: 130,
} as const;

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  /** Only `--print-token` writes here. */
  stdout: OutputStream;
  /** Everything for the person. */
  stderr: OutputStream;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  fetch?: FetchLike;
  now?: () => number;
  sleep?: Sleep;
  platform?: NodeJS.Platform;
  home?: string;
  /** Opens a URL in a browser; default: `findBrowserCommand` (PAIRGATE_BROWSER_COMMAND, BROWSER, the OS's). */
  openBrowser?: (url: string) => Promise<void>;
  loopback?: LoopbackFactory;
  /** Milliseconds between countdown redraws on a terminal (default 1000). */
  tickMs?: number;
  /** Opens the push channel; default the `ws` package (Node 20 has no WebSocket), null for none. */
  webSocket?: WebSocketFactory | null;
}

/** A failure with its exit code and a message safe to print (no token, no code). */
export class CliFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** OAuth errors that mean "this client or its configuration is wrong", not "try again". */
const CONFIGURATION_ERRORS = new Set(['invalid_client', 'unauthorized_client', 'invalid_scope', 'unsupported_grant_type', 'unsupported_response_type']);

export function isConfigurationError(error: unknown): boolean {
  return error instanceof OAuthError && CONFIGURATION_ERRORS.has(error.error);
}

/** What a sign-in produced, for the token file. */
export interface SignedIn {
  tokens: TokenResponse;
  clientId: string;
  sub?: string | undefined;
  name?: string | undefined;
}
