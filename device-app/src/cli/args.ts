/**
 * `pairgate` arguments: `login` (whose connection settings `--issuer`, `--client-id`, `--scope`,
 * `--config` are the app's own, read by `loadConfig` with the same env vars and config file),
 * `logout` and `status` (which read the token file and take no options).
 */
import { loadConfig, readFlags, type AppConfig, type Flags, type Mode } from '../config';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface LoginArgs {
  /** Force the device flow (RFC 8628) even where a browser could be opened. */
  device: boolean;
  /** Never open a browser (implies the device flow). */
  noBrowser: boolean;
  /** Print the access token on stdout once signed in. */
  printToken: boolean;
  /** --issuer, --client-id, --scope and --config, for `loadConfig`. */
  flags: Flags;
}

export type Command = { name: 'login'; args: LoginArgs } | { name: 'logout' } | { name: 'status' } | { name: 'help' };

export const USAGE = `Usage: pairgate login [options]
       pairgate logout
       pairgate status

login   Signs you in and saves the tokens to a file only you can read. With a browser on this
        machine it opens the sign-in page there (Authorization Code + PKCE, redirect to
        127.0.0.1). Without one, or with --device, it shows a code and a QR code to approve on
        your phone (device flow).
logout  Revokes the sign-in at the server and removes the token file.
status  Who is signed in, with which server, and until when (no token is printed).

Login options:
  --issuer <url>       The sign-in server (env PAIRGATE_ISSUER; default http://localhost:3000)
  --client-id <id>     The OAuth client (env PAIRGATE_CLIENT_ID; default desktop-app in the
                       browser, tv-kiosk with a code)
  --scope <scopes>     Space-separated scopes (env PAIRGATE_SCOPE; default "openid profile offline_access")
  --config <file>      A JSON config file (env PAIRGATE_CONFIG)
  --device             Sign in with a code on another device, even if a browser is available
  --no-browser         Never open a browser (same as --device)
  --print-token        Print the access token on stdout when signed in
  -h, --help           Show this help

Tokens are saved to $PAIRGATE_CONFIG_DIR, else $XDG_CONFIG_HOME/pairgate, else
~/.config/pairgate (tokens.json, mode 0600).

Exit status: 0 done (signed in, signed out, a usable sign-in); 1 not (denied, expired,
cancelled, the server unreachable or refusing; logout could not tell the server; status
finds no usable sign-in); 2 usage or configuration error; 130 interrupted (Ctrl-C).
`;

/** The settings `pairgate login` takes as flags (the rest come from env or the config file). */
const CONNECTION_KEYS = ['issuer', 'clientId', 'scope'] as const;
/** The command's own switches (`--no-browser` is `browser` switched off). */
const LOGIN_SWITCHES = ['device', 'browser', 'print-token', 'help'] as const;

export function parseCommand(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { name: 'help' };
  if (command !== 'login' && command !== 'logout' && command !== 'status') {
    throw new UsageError(`unknown command "${command}"; the commands are login, logout and status.`);
  }
  if (rest.includes('-h')) return { name: 'help' };
  const flags = readFlags(rest, { keys: command === 'login' ? CONNECTION_KEYS : [], own: command === 'login' ? LOGIN_SWITCHES : ['help'], refusePositionals: true });
  if (command !== 'login') {
    if (flags.own.help) return { name: 'help' };
    // --config names where settings come from, and these commands read none.
    const [error] = flags.configFile === undefined ? flags.errors : [...flags.errors, `${command} takes no options.`];
    if (error !== undefined) throw new UsageError(error);
    return { name: command };
  }
  if (flags.own.help) return { name: 'help' };
  const [error] = flags.errors;
  if (error !== undefined) throw new UsageError(error);
  const { device = false, browser = true, 'print-token': printToken = false } = flags.own;
  return { name: 'login', args: { device, noBrowser: !browser, printToken, flags } };
}

/**
 * The connection settings for one flow: the app's configuration sources, with the default
 * client id of that flow (the demo `desktop-app` for the browser, `tv-kiosk` for a code).
 */
export function loginConfig(args: LoginArgs, env: Readonly<Record<string, string | undefined>>, flow: 'browser' | 'device', readFile?: (file: string) => string): AppConfig {
  const mode: Mode = flow === 'browser' ? 'desktop' : 'kiosk';
  const flags: Flags = { ...args.flags, settings: { ...args.flags.settings, mode: { value: mode, source: `the ${flow} flow` } } };
  return loadConfig({ flags, env, ...(readFile ? { readFile } : {}) });
}
