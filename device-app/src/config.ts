/**
 * The device app's configuration: `defaults.ts`, then a JSON config file, then environment
 * variables, then command-line flags — later sources win. Where each key is read from is listed
 * here (`SOURCES`); what it accepts is the one schema, `core/config-schema.ts`, and only the
 * value that wins is checked, with a message that names its source. Node-only (main process, web
 * host server, start script, CLI).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ClientConfig } from './core/client-config';
import { checkSetting, type Mode, type SettingKey, type SettingValue } from './core/config-schema';
import { defaults } from './defaults';

export type { Mode };

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

/** Each key's environment variable and flag (README "The kiosk" lists them too). */
export const SOURCES: Record<SettingKey, { env: string; flag: string }> = {
  issuer: { env: 'PAIRGATE_ISSUER', flag: 'issuer' },
  clientId: { env: 'PAIRGATE_CLIENT_ID', flag: 'client-id' },
  scope: { env: 'PAIRGATE_SCOPE', flag: 'scope' },
  deviceName: { env: 'PAIRGATE_DEVICE_NAME', flag: 'device-name' },
  deviceModel: { env: 'PAIRGATE_DEVICE_MODEL', flag: 'device-model' },
  devicesApi: { env: 'PAIRGATE_DEVICES_API', flag: 'devices-api' },
  mode: { env: 'PAIRGATE_MODE', flag: 'mode' },
  kiosk: { env: 'PAIRGATE_KIOSK', flag: 'kiosk' },
  allowPlaintextTokens: { env: 'PAIRGATE_ALLOW_PLAINTEXT_TOKENS', flag: 'allow-plaintext-tokens' },
  webPort: { env: 'PAIRGATE_WEB_PORT', flag: 'web-port' },
  webHost: { env: 'PAIRGATE_WEB_HOST', flag: 'web-host' },
};

const KEYS = Object.keys(SOURCES) as SettingKey[];
/** On/off settings: a flag alone means on, `--no-<flag>` off. */
const SWITCHES = new Set<SettingKey>(['kiosk', 'allowPlaintextTokens']);
/** The config file: `--config <file>` or `PAIRGATE_CONFIG`. */
const CONFIG_FLAG = 'config';
const CONFIG_ENV = 'PAIRGATE_CONFIG';

/** A value for a key, and where it was written (for the message if it is wrong). */
type Raw = Partial<Record<SettingKey, { value: unknown; source: string }>>;

/** What `readFlags` found: settings, the config file, a command's own switches, and what was wrong. */
export interface Flags {
  settings: Raw;
  configFile?: string;
  own: Record<string, boolean>;
  errors: string[];
}

export interface ReadFlagsOptions {
  /** The settings these flags may set (default: all). */
  keys?: readonly SettingKey[];
  /** A command's own on/off flags (`device`, `print-token`, …), by flag name. */
  own?: readonly string[];
  /** Unknown flags are an error unless false (Electron and Chromium add their own switches). */
  strict?: boolean;
  /** Words that are not flags are an error (a command's options), instead of ignored (Electron's argv). */
  refusePositionals?: boolean;
}

/** Reads flags with `node:util.parseArgs`: `--name value`, `--name=value`, `--switch`, `--no-switch`. */
export function readFlags(argv: readonly string[], options: ReadFlagsOptions = {}): Flags {
  const keys = options.keys ?? KEYS;
  const own = options.own ?? [];
  const byFlag = new Map(keys.map((key) => [SOURCES[key].flag, key]));
  const spec: NonNullable<ParseArgsConfig['options']> = { [CONFIG_FLAG]: { type: 'string' } };
  for (const key of keys) spec[SOURCES[key].flag] = { type: SWITCHES.has(key) ? 'boolean' : 'string' };
  for (const name of own) spec[name] = { type: 'boolean' };
  const known = [CONFIG_FLAG, ...byFlag.keys(), ...own].map((name) => `--${name}`).join(', ');

  const flags: Flags = { settings: {}, own: {}, errors: [] };
  const { tokens } = parseArgs({ args: [...argv], options: spec, strict: false, allowPositionals: true, allowNegative: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (options.refusePositionals) flags.errors.push(`unknown option ${token.value}.`);
      continue;
    }
    if (token.kind !== 'option') continue;
    const type = spec[token.name]?.type;
    if (type === undefined) {
      if (options.strict ?? true) flags.errors.push(`unknown option ${token.rawName}; known options: ${known}.`);
      continue;
    }
    let value: string | boolean;
    if (type === 'boolean') {
      // `--kiosk=false` is read like the env var would be; `--no-kiosk` is off.
      value = token.value ?? !token.rawName.startsWith('--no-');
    } else if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) {
      // parseArgs would take the next flag as the value (`--issuer --device`): it is missing.
      flags.errors.push(`${token.rawName} needs a value.`);
      continue;
    } else {
      value = token.value;
    }
    const key = byFlag.get(token.name);
    if (token.name === CONFIG_FLAG) flags.configFile = String(value);
    else if (key !== undefined) flags.settings[key] = { value, source: `--${token.name}` };
    else flags.own[token.name] = value === true || value === 'true';
  }
  return flags;
}

export interface LoadConfigOptions {
  /** Command-line arguments, read here with `readFlags` (all keys). */
  argv?: readonly string[];
  /** Flags a command has already read (it has options of its own); instead of `argv`. */
  flags?: Flags;
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads the config file; default `fs.readFileSync(…, 'utf8')`. */
  readFile?: (file: string) => string;
  /** With `argv`: unknown flags are an error unless false. */
  strictFlags?: boolean;
}

export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? {};
  const flags = options.flags ?? readFlags(options.argv ?? [], { strict: options.strictFlags ?? true });
  const errors = [...flags.errors];
  const raw: Raw = {};

  const file = flags.configFile ?? env[CONFIG_ENV];
  if (file) readConfigFile(file, options.readFile ?? ((f) => readFileSync(f, 'utf8')), raw, errors);
  for (const key of KEYS) {
    const value = env[SOURCES[key].env];
    if (value !== undefined && value !== '') raw[key] = { value, source: SOURCES[key].env };
  }
  Object.assign(raw, flags.settings);

  /** The winning value, checked by the schema; undefined when unset (or wrong: then an error is noted). */
  const read = <K extends SettingKey>(key: K): SettingValue<K> | undefined => {
    const entry = raw[key];
    if (entry === undefined) return undefined;
    const checked = checkSetting(key, entry.value);
    if (checked.ok) return checked.value;
    errors.push(`${key} (from ${entry.source}) ${checked.message}`);
    return undefined;
  };

  const mode = read('mode') ?? defaults.mode;
  const devicesApi = read('devicesApi') ?? defaults.devicesApi;
  const config: AppConfig = {
    issuer: read('issuer') ?? defaults.issuer,
    clientId: read('clientId') ?? defaults.clientId ?? defaultClientId(mode),
    scope: read('scope') ?? defaults.scope,
    deviceName: read('deviceName') ?? defaults.deviceName,
    deviceModel: read('deviceModel') ?? defaults.deviceModel,
    ...(devicesApi === undefined ? {} : { devicesApi }),
    mode,
    kiosk: read('kiosk') ?? defaults.kiosk ?? mode === 'kiosk',
    allowPlaintextTokens: read('allowPlaintextTokens') ?? defaults.allowPlaintextTokens,
    webPort: read('webPort') ?? defaults.webPort,
    webHost: read('webHost') ?? defaults.webHost,
  };
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  }
  return config;
}

/** The demo client the portal seeds for each flow (see `defaults.clientId`). */
export function defaultClientId(mode: Mode): string {
  return mode === 'desktop' ? 'desktop-app' : 'tv-kiosk';
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
    const known = KEYS.find((k) => k === key);
    if (known === undefined) errors.push(`unknown key "${key}" in ${shown}; known keys: ${KEYS.join(', ')}.`);
    else raw[known] = { value, source: shown };
  }
}

/** The part of the configuration the session controller (and the web host's page) gets. */
export function clientConfigOf(config: AppConfig): ClientConfig {
  const { issuer, clientId, scope, deviceName, deviceModel, devicesApi } = config;
  return { issuer, clientId, scope, deviceName, deviceModel, ...(devicesApi === undefined ? {} : { devicesApi }) };
}
