import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkIssuer } from '@pairgate/shared';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './observability/logger';
import { ConfigError } from './config-error';
import { defaults } from './defaults';
import { KEY_ENCRYPTION_KEY_BYTES, keyEncryptionOf, type KeyEncryption } from './oauth/tokens/key-encryption';
import { serverDefaults, type ServerSettings } from './server/defaults';

// What a bad setting throws; its own module so the key ring can throw it too (see config-error.ts).
export { ConfigError };

/**
 * The portal's configuration from the environment, read and validated in this one place.
 * Documented in the README.
 */
export interface PortalEnv {
  /** `PORT`: the port to listen on (default 3000). */
  port: number;
  /** `HOST`: the address to bind (default all interfaces). */
  host: string | undefined;
  /** `PAIRGATE_ISSUER`: the public base URL (default `http://localhost:$PORT`). */
  issuer: string;
  /** `DATABASE_URL`: `postgres://…` selects PostgreSQL; unset → the SQLite file. */
  databaseUrl: string | undefined;
  /** `PAIRGATE_DATA_DIR`: where the SQLite file lives (default `<repo>/data`). */
  sqliteFile: string;
  /** `PAIRGATE_TRUST_PROXY`: trust `X-Forwarded-For` for the client address (default off). */
  trustProxy: boolean;
  /**
   * `PAIRGATE_SEED_DEMO`: seed the demo user and clients into an empty database (default off).
   * The demo password is public (README), so only `npm start` and tests ask for it; an empty
   * database without it starts with a hint on how to add a user and a client.
   */
  seedDemo: boolean;
  /**
   * `PAIRGATE_POLL_INTERVAL_SECONDS`: the polling interval sent to devices (RFC 8628 §3.2
   * `interval`; default `defaults.pollIntervalSeconds`, 5 s). Longer spares a busy server
   * polls; the end-to-end tests use 1 s so they do not wait out real intervals.
   */
  pollIntervalSeconds: number;
  /**
   * `PAIRGATE_KEY_ENCRYPTION_KEY` (32 bytes, base64/base64url): seals the private signing keys in
   * the database; `PAIRGATE_KEY_ENCRYPTION_KEYS_OLD` (comma-separated): earlier ones, to open keys
   * not yet re-encrypted. Unset → plaintext keys (the server warns), refused for an https issuer.
   */
  keyEncryption: KeyEncryption;
  /** `NODE_ENV=development` or `--dev` runs Next.js in dev mode. */
  dev: boolean;
  /**
   * The HTTP server's limits (src/server/defaults.ts). `PAIRGATE_MAX_CONNECTIONS_PER_ADDRESS`
   * (default 64) and `PAIRGATE_SHUTDOWN_GRACE_SECONDS` (default 10) override two of them.
   */
  server: ServerSettings;
  /** `LOG_LEVEL`: the least severe level logged — fatal, error, warn, info (default; includes the access log), debug, trace, silent. */
  logLevel: LogLevel;
  /**
   * `PAIRGATE_METRICS_PORT`: serve `GET /metrics` (Prometheus) on this port of its own, never on
   * `PORT` (see observability/metrics-server.ts for why); unset → no metrics. `PAIRGATE_METRICS_HOST`:
   * the address it binds, default `127.0.0.1` (`0.0.0.0` when the scraper is another container or host).
   */
  metrics: { port: number; host: string } | undefined;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function readEnv(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): PortalEnv {
  const port = parsePort(env.PORT);
  const issuer = parseIssuer(env.PAIRGATE_ISSUER ?? `http://localhost:${port}`);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql:// (leave it unset to use SQLite).');
  }
  const keyEncryption = keyEncryptionOf(
    parseKeyEncryptionKey('PAIRGATE_KEY_ENCRYPTION_KEY', env.PAIRGATE_KEY_ENCRYPTION_KEY),
    (env.PAIRGATE_KEY_ENCRYPTION_KEYS_OLD ?? '').split(',').map((value) => parseKeyEncryptionKey('PAIRGATE_KEY_ENCRYPTION_KEYS_OLD', value)).filter((key) => key !== undefined),
  );
  // An https issuer is a real deployment (RFC 8414 §2); http is for trying it out on one machine or LAN.
  if (issuer.startsWith('https:') && !keyEncryption.current) {
    throw new ConfigError(`PAIRGATE_KEY_ENCRYPTION_KEY must be set for an https issuer, so the database alone cannot sign tokens. Make one with: ${MAKE_KEY_COMMAND}`);
  }
  const dataDir = env.PAIRGATE_DATA_DIR ? path.resolve(env.PAIRGATE_DATA_DIR) : path.join(repoRoot, 'data');
  return {
    port,
    host: env.HOST?.trim() || undefined,
    issuer,
    databaseUrl,
    sqliteFile: path.join(dataDir, 'pairgate.db'),
    trustProxy: parseBoolean('PAIRGATE_TRUST_PROXY', env.PAIRGATE_TRUST_PROXY),
    seedDemo: parseBoolean('PAIRGATE_SEED_DEMO', env.PAIRGATE_SEED_DEMO),
    pollIntervalSeconds: parseWholeNumber('PAIRGATE_POLL_INTERVAL_SECONDS', env.PAIRGATE_POLL_INTERVAL_SECONDS, defaults.pollIntervalSeconds, 1),
    keyEncryption,
    dev: argv.includes('--dev') || env.NODE_ENV === 'development',
    server: {
      ...serverDefaults,
      maxConnectionsPerAddress: parseWholeNumber('PAIRGATE_MAX_CONNECTIONS_PER_ADDRESS', env.PAIRGATE_MAX_CONNECTIONS_PER_ADDRESS, serverDefaults.maxConnectionsPerAddress, 1),
      shutdownGraceSeconds: parseWholeNumber('PAIRGATE_SHUTDOWN_GRACE_SECONDS', env.PAIRGATE_SHUTDOWN_GRACE_SECONDS, serverDefaults.shutdownGraceSeconds, 0),
    },
    logLevel: parseLogLevel(env.LOG_LEVEL),
    metrics: parseMetrics(env.PAIRGATE_METRICS_PORT, env.PAIRGATE_METRICS_HOST, port),
  };
}

function parseLogLevel(value: string | undefined): LogLevel {
  const level = value?.trim().toLowerCase() || 'info';
  if (!isLogLevel(level)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${value}".`);
  return level;
}

function parseMetrics(portValue: string | undefined, hostValue: string | undefined, mainPort: number): PortalEnv['metrics'] {
  const host = hostValue?.trim() || undefined;
  if (portValue === undefined || portValue.trim() === '') {
    if (host) throw new ConfigError('PAIRGATE_METRICS_HOST needs PAIRGATE_METRICS_PORT too (metrics are off without a port).');
    return undefined;
  }
  const port = Number(portValue);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`PAIRGATE_METRICS_PORT must be a whole number from 1 to 65535, not "${portValue}".`);
  if (port === mainPort) throw new ConfigError('PAIRGATE_METRICS_PORT must differ from PORT: the metrics are never served on the public port.');
  return { port, host: host ?? '127.0.0.1' };
}

function parseWholeNumber(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) throw new ConfigError(`${name} must be a whole number of at least ${min}, not "${value}".`);
  return number;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, not "${value}".`);
  }
  return port;
}

function parseIssuer(value: string): string {
  const check = checkIssuer(value);
  // The value is not repeated: it might carry a password.
  if (!check.ok) throw new ConfigError(`PAIRGATE_ISSUER ${check.problem}.`);
  return check.issuer;
}

/** How to make a key encryption key (README, "Deploying"). */
const MAKE_KEY_COMMAND = `node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))"`;

function parseKeyEncryptionKey(name: string, value: string | undefined): Uint8Array | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined;
  // The value itself is never echoed: it is a secret.
  if (bytes?.length !== KEY_ENCRYPTION_KEY_BYTES) throw new ConfigError(`${name} must be ${KEY_ENCRYPTION_KEY_BYTES} random bytes in base64 or base64url. Make one with: ${MAKE_KEY_COMMAND}`);
  return bytes;
}

function parseBoolean(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, not "${value}".`);
}
