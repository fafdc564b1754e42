/**
 * Where `pairgate login` keeps the tokens: one JSON file only the user can read (mode 0600, in a
 * 0700 directory), written atomically; read back by `status` and `logout`, which removes it.
 * Never printed (except the access token, with `login --print-token`).
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { TokenResponse } from '@pairgate/shared';
import * as v from 'valibot';

export const TOKEN_FILE = 'tokens.json';

/** `$PAIRGATE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/pairgate`, else `%APPDATA%\pairgate` (Windows), else `~/.config/pairgate`. */
export function configDir(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.PAIRGATE_CONFIG_DIR) return path.resolve(env.PAIRGATE_CONFIG_DIR);
  // XDG Base Directory Specification: a relative XDG_CONFIG_HOME is invalid and ignored.
  if (env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)) return path.join(env.XDG_CONFIG_HOME, 'pairgate');
  if (platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'pairgate');
  return path.join(home, '.config', 'pairgate');
}

const text = v.pipe(v.string(), v.minLength(1));
const savedTokensSchema = v.object({
  issuer: text,
  client_id: text,
  token_type: text,
  access_token: text,
  refresh_token: v.optional(text),
  id_token: v.optional(text),
  scope: v.optional(v.string()),
  /** When the access token expires (ISO 8601), when the server said. */
  expires_at: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  obtained_at: v.pipe(v.string(), v.isoTimestamp()),
  sub: v.optional(v.string()),
  name: v.optional(v.string()),
});

export type SavedTokens = v.InferOutput<typeof savedTokensSchema>;

/** The token file is there but is not one `pairgate login` wrote (edited, truncated, another tool's). */
export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
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

/** The saved sign-in, or undefined when there is none. Throws `TokenFileError` (never echoing the file) when it is not ours. */
export function readTokenFile(dir: string): { file: string; tokens: SavedTokens } | undefined {
  const file = path.join(dir, TOKEN_FILE);
  let body: string;
  try {
    body = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TokenFileError(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new TokenFileError(`${file} is not valid JSON.`);
  }
  const result = v.safeParse(savedTokensSchema, json);
  // The path of the first problem only: a message must not carry a token from the file.
  if (!result.success) throw new TokenFileError(`${file} is not a pairgate token file ("${v.getDotPath(result.issues[0]) ?? 'the top level'}" is missing or wrong).`);
  return { file, tokens: result.output };
}

/** Removes the token file (there or not). */
export function removeTokenFile(dir: string): void {
  rmSync(path.join(dir, TOKEN_FILE), { force: true });
}
