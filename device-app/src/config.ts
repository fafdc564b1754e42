/**
 * The device app's configuration: `defaults.ts`, then a JSON config file, then environment
 * variables, then command-line flags — later sources win. Validated here, once, with messages
 * that name the source of a bad value. Node-only (main process, web host server, start script).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClientConfig } from './core/client-config';
import { defaults } from './defaults';

export type Mode = 'kiosk' | 'desktop';

export interface AppConfig extends ClientConfig {
  mode: Mode;
  kiosk: boolean;
  allowPlaintextTokens: boolean;
  webPort: number;
  webHost: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Key = keyof typeof defaults;
type Kind = 'url' | 'api' | 'token' | 'scope' | 'label' | 'mode' | 'boolean' | 'port' | 'host';

/** Each key: its env var, its flag, and what kind of value it takes. */
export const KEYS: Record<Key, { env: string; flag: string; kind: Kind }> = {
  issuer: { env: 'PAIRGATE_ISSUER', flag: '--issuer', kind: 'url' },
  clientId: { env: 'PAIRGATE_CLIENT_ID', flag: '--client-id', kind: 'token' },
  scope: { env: 'PAIRGATE_SCOPE', flag: '--scope', kind: 'scope' },
  deviceName: { env: 'PAIRGATE_DEVICE_NAME', flag: '--device-name', kind: 'label' },
  deviceModel: { env: 'PAIRGATE_DEVICE_MODEL', flag: '--device-model', kind: 'label' },
  devicesApi: { env: 'PAIRGATE_DEVICES_API', flag: '--devices-api', kind: 'api' },
  mode: { env: 'PAIRGATE_MODE', flag: '--mode', kind: 'mode' },
  kiosk: { env: 'PAIRGATE_KIOSK', flag: '--kiosk', kind: 'boolean' },
  allowPlaintextTokens: { env: 'PAIRGATE_ALLOW_PLAINTEXT_TOKENS', flag: '--allow-plaintext-tokens', kind: 'boolean' },
  webPort: { env: 'PAIRGATE_WEB_PORT', flag: '--web-port', kind: 'port' },
  webHost: { env: 'PAIRGATE_WEB_HOST', flag: '--web-host', kind: 'host' },
};

/** The config file: `--config <file>` or `PAIRGATE_CONFIG`. */
const CONFIG_FLAG = '--config';
const CONFIG_ENV = 'PAIRGATE_CONFIG';
/** Longest device label kept; the portal truncates longer ones anyway. */
const MAX_LABEL = 80;

export interface LoadConfigOptions {
  argv?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads the config file; default `fs.readFileSync(…, 'utf8')`. */
  readFile?: (file: string) => string;
  /** Unknown flags are an error unless false (Electron and Chromium add their own switches). */
  strictFlags?: boolean;
}

type Raw = Partial<Record<Key, { value: unknown; source: string }>>;

export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const argv = options.argv ?? [];
  const env = options.env ?? {};
  const errors: string[] = [];
  const flags = parseFlags(argv, options.strictFlags ?? true, errors);
  const raw: Raw = {};

  const file = flags.config ?? env[CONFIG_ENV];
  if (file) readConfigFile(file, options.readFile ?? ((f) => readFileSync(f, 'utf8')), raw, errors);
  for (const key of Object.keys(KEYS) as Key[]) {
    const value = env[KEYS[key].env];
    if (value !== undefined && value !== '') raw[key] = { value, source: KEYS[key].env };
  }
  for (const [key, value] of flags.values) raw[key] = { value, source: KEYS[key].flag };

  const read = <T>(key: Key, fallback: T): T | string | number | boolean => {
    const entry = raw[key];
    if (entry === undefined) return fallback;
    const parsed = parseValue(KEYS[key].kind, entry.value);
    if (!parsed.ok) {
      errors.push(`${key} (from ${entry.source}) ${parsed.message}`);
      return fallback;
    }
    return parsed.value;
  };

  const mode = read('mode', defaults.mode) as Mode;
  const kiosk = read('kiosk', defaults.kiosk);
  const config: AppConfig = {
    issuer: read('issuer', defaults.issuer) as string,
    clientId: read('clientId', defaults.clientId ?? defaultClientId(mode)) as string,
    scope: read('scope', defaults.scope) as string,
    deviceName: read('deviceName', defaults.deviceName) as string,
    deviceModel: read('deviceModel', defaults.deviceModel) as string,
    ...optional('devicesApi', read('devicesApi', defaults.devicesApi) as string | undefined),
    mode,
    kiosk: typeof kiosk === 'boolean' ? kiosk : mode === 'kiosk',
    allowPlaintextTokens: read('allowPlaintextTokens', defaults.allowPlaintextTokens) as boolean,
    webPort: read('webPort', defaults.webPort) as number,
    webHost: read('webHost', defaults.webHost) as string,
  };
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  }
  return config;
}

/** `{ key: value }`, or nothing when the value is unset. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** The demo client the portal seeds for each flow (see `defaults.clientId`). */
export function defaultClientId(mode: Mode): string {
  return mode === 'desktop' ? 'desktop-app' : 'tv-kiosk';
}

function parseFlags(argv: readonly string[], strict: boolean, errors: string[]): { config?: string; values: [Key, unknown][] } {
  const byFlag = new Map(Object.entries(KEYS).map(([key, spec]) => [spec.flag, key as Key]));
  const values: [Key, unknown][] = [];
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const negated = name.startsWith('--no-') ? byFlag.get(`--${name.slice(5)}`) : undefined;
    if (negated !== undefined && KEYS[negated].kind === 'boolean' && inline === undefined) {
      values.push([negated, false]);
      continue;
    }
    const key = byFlag.get(name);
    if (name === CONFIG_FLAG || key !== undefined) {
      let value: string | boolean | undefined = inline;
      if (value === undefined) {
        const next = argv[i + 1];
        if (key !== undefined && KEYS[key].kind === 'boolean' && (next === undefined || next.startsWith('--'))) value = true;
        else if (next === undefined || next.startsWith('--')) {
          errors.push(`${name} needs a value.`);
          continue;
        } else {
          value = next;
          i += 1;
        }
      }
      if (key === undefined) config = String(value);
      else values.push([key, value]);
    } else if (strict) {
      errors.push(`unknown option ${name}; known options: ${[CONFIG_FLAG, ...byFlag.keys()].join(', ')}.`);
    }
  }
  return { ...(config === undefined ? {} : { config }), values };
}

function readConfigFile(file: string, readFile: (file: string) => string, raw: Raw, errors: string[]): void {
  const shown = path.basename(file);
  let body: unknown;
  try {
    body = JSON.parse(readFile(file));
  } catch (error) {
    errors.push(
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `the config file ${file} does not exist.`
        : `the config file ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`,
    );
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    errors.push(`the config file ${file} must hold a JSON object such as {"issuer": "https://login.example.com"}.`);
    return;
  }
  for (const [key, value] of Object.entries(body)) {
    if (!Object.hasOwn(KEYS, key)) {
      errors.push(`unknown key "${key}" in ${shown}; known keys: ${Object.keys(KEYS).join(', ')}.`);
      continue;
    }
    raw[key as Key] = { value, source: shown };
  }
}

type Parsed = { ok: true; value: string | number | boolean } | { ok: false; message: string };

function parseValue(kind: Kind, value: unknown): Parsed {
  const fail = (message: string): Parsed => ({ ok: false, message });
  switch (kind) {
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (typeof value === 'string' && /^(1|true|yes|on)$/i.test(value)) return { ok: true, value: true };
      if (typeof value === 'string' && /^(0|false|no|off)$/i.test(value)) return { ok: true, value: false };
      return fail(`must be true or false, not ${JSON.stringify(value)}.`);
    case 'port': {
      const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
        return fail(`must be a whole number from 0 to 65535, not ${JSON.stringify(value)}.`);
      }
      return { ok: true, value: port };
    }
    default:
      break;
  }
  if (typeof value !== 'string') return fail(`must be a string, not ${JSON.stringify(value)}.`);
  const text = value.trim();
  switch (kind) {
    case 'url': {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return fail(`must be an absolute URL such as https://login.example.com, not ${JSON.stringify(value)}.`);
      }
      // RFC 8414 §2: an issuer is an https URL without query or fragment (http for local use).
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(`must use https (or http for local testing), not ${url.protocol}.`);
      if (url.search || url.hash || /[?#]/.test(text)) return fail('must not contain a query or fragment (RFC 8414 §2).');
      if (url.username || url.password) return fail('must not contain a user name or password.');
      // The discovered issuer must equal this string exactly (RFC 8414 §3.3); a bare origin is
      // written without the trailing slash, as servers publish it.
      return { ok: true, value: url.pathname === '/' ? url.origin : text.replace(/\/$/, '') };
    }
    case 'api': {
      if (/^(off|none|false|no)$/i.test(text)) return { ok: true, value: 'off' };
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return fail(`must be an absolute URL such as https://login.example.com/api/devices, or "off", not ${JSON.stringify(value)}.`);
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(`must use https (or http for local testing), not ${url.protocol}.`);
      if (url.hash || url.username || url.password) return fail('must not contain a fragment, user name or password.');
      return { ok: true, value: url.href };
    }
    case 'token':
      // RFC 6749 Appendix A.1: client_id is printable ASCII (VSCHAR).
      if (!/^[\x20-\x7e]+$/.test(text) || text.length === 0) return fail('must be printable ASCII and not empty.');
      return { ok: true, value: text };
    case 'scope': {
      // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
      const tokens = text.split(/ +/).filter(Boolean);
      if (tokens.length === 0 || tokens.some((t) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(t))) {
        return fail(`must be space-separated scope names such as "openid profile offline_access", not ${JSON.stringify(value)}.`);
      }
      return { ok: true, value: tokens.join(' ') };
    }
    case 'label':
      if (text.length === 0 || text.length > MAX_LABEL || /\p{Cc}/u.test(text)) return fail(`must be 1 to ${MAX_LABEL} printable characters.`);
      return { ok: true, value: text };
    case 'mode':
      if (text !== 'kiosk' && text !== 'desktop') return fail(`must be "kiosk" or "desktop", not ${JSON.stringify(value)}.`);
      return { ok: true, value: text };
    case 'host':
      if (!/^[A-Za-z0-9.:\-[\]]+$/.test(text)) return fail(`must be a host name or IP address, not ${JSON.stringify(value)}.`);
      return { ok: true, value: text };
  }
}

/** The part of the configuration the session controller (and the web host's page) gets. */
export function clientConfigOf(config: AppConfig): ClientConfig {
  const { issuer, clientId, scope, deviceName, deviceModel, devicesApi } = config;
  return { issuer, clientId, scope, deviceName, deviceModel, ...(devicesApi === undefined ? {} : { devicesApi }) };
}
