/**
 * Where `pairgate login` keeps the tokens: one JSON file only the user can read (mode 0600, in a
 * 0700 directory), written atomically. Never printed (except the access token, with
 * `--print-token`).
 */
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { TokenResponse } from '@pairgate/shared';

export const TOKEN_FILE = 'tokens.json';

/** `$PAIRGATE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/pairgate`, else `%APPDATA%\pairgate` (Windows), else `~/.config/pairgate`. */
export function configDir(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.PAIRGATE_CONFIG_DIR) return path.resolve(env.PAIRGATE_CONFIG_DIR);
  // XDG Base Directory Specification: a relative XDG_CONFIG_HOME is invalid and ignored.
  if (env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)) return path.join(env.XDG_CONFIG_HOME, 'pairgate');
  if (platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'pairgate');
  return path.join(home, '.config', 'pairgate');
}

export interface SavedTokens {
  issuer: string;
  client_id: string;
  token_type: string;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
  /** When the access token expires (ISO 8601), when the server said. */
  expires_at?: string;
  obtained_at: string;
  sub?: string;
  name?: string;
}

export function savedTokens(
  tokens: TokenResponse,
  context: { issuer: string; clientId: string; now: number; sub?: string | undefined; name?: string | undefined },
): SavedTokens {
  return {
    issuer: context.issuer,
    client_id: context.clientId,
    token_type: tokens.token_type,
    access_token: tokens.access_token,
    ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
    ...(tokens.id_token ? { id_token: tokens.id_token } : {}),
    ...(tokens.scope ? { scope: tokens.scope } : {}),
    ...(tokens.expires_in === undefined ? {} : { expires_at: new Date(context.now + tokens.expires_in * 1000).toISOString() }),
    obtained_at: new Date(context.now).toISOString(),
    ...(context.sub ? { sub: context.sub } : {}),
    ...(context.name ? { name: context.name } : {}),
  };
}

/** Writes the file (0600) atomically, replacing any earlier one; returns its path. */
export function writeTokenFile(dir: string, tokens: SavedTokens): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, TOKEN_FILE);
  const temporary = path.join(dir, `.${TOKEN_FILE}.${process.pid}.tmp`);
  try {
    // 'wx': never write through a file (or link) someone put there first.
    writeFileSync(temporary, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(temporary, 0o600); // whatever the umask
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return file;
}
