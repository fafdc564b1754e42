import { describe, expect, it } from 'vitest';
import { ConfigError, readEnv } from './env';
import { serverDefaults } from './server/defaults';

const read = (env: Record<string, string>) => readEnv({ NODE_ENV: 'production', ...env }, []);

describe('readEnv', () => {
  it('checks PAIRGATE_ISSUER with the shared issuer check and spells it canonically', () => {
    expect(read({ PAIRGATE_ISSUER: 'http://Portal.Example:8080/' }).issuer).toBe('http://portal.example:8080');
    expect(() => read({ PAIRGATE_ISSUER: 'portal.example' })).toThrow(new ConfigError('PAIRGATE_ISSUER must be an absolute URL such as https://login.example.com.'));
    expect(() => read({ PAIRGATE_ISSUER: 'http://portal.example/?x' })).toThrow(/PAIRGATE_ISSUER must not contain a query or fragment/);
    // Refused, and the password is not repeated in the message.
    expect(() => read({ PAIRGATE_ISSUER: 'http://admin:hunter2@portal.example' })).toThrow(/^PAIRGATE_ISSUER must not contain a user name or password\.$/);
  });

  it('takes the server defaults, with the connection cap and shutdown grace from the environment', () => {
    expect(read({}).server).toEqual(serverDefaults);
    const server = read({ PAIRGATE_MAX_CONNECTIONS_PER_ADDRESS: '500', PAIRGATE_SHUTDOWN_GRACE_SECONDS: '0' }).server;
    expect(server.maxConnectionsPerAddress).toBe(500);
    expect(server.shutdownGraceSeconds).toBe(0);
    expect(() => read({ PAIRGATE_MAX_CONNECTIONS_PER_ADDRESS: '0' })).toThrow(/PAIRGATE_MAX_CONNECTIONS_PER_ADDRESS must be a whole number of at least 1/);
    expect(() => read({ PAIRGATE_SHUTDOWN_GRACE_SECONDS: 'soon' })).toThrow(/PAIRGATE_SHUTDOWN_GRACE_SECONDS must be a whole number of at least 0, not "soon"/);
  });

  it('reads LOG_LEVEL (default info) and refuses a level pino does not have', () => {
    expect(read({}).logLevel).toBe('info');
    expect(read({ LOG_LEVEL: ' Debug ' }).logLevel).toBe('debug');
    expect(() => read({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "verbose"/);
  });

  it('serves metrics only on a port of their own: off by default, loopback unless told otherwise', () => {
    expect(read({}).metrics).toBeUndefined();
    expect(read({ PAIRGATE_METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(read({ PAIRGATE_METRICS_PORT: '9464', PAIRGATE_METRICS_HOST: '0.0.0.0' }).metrics).toEqual({ port: 9464, host: '0.0.0.0' });
    expect(() => read({ PAIRGATE_METRICS_PORT: '3000' })).toThrow(/must differ from PORT/);
    expect(() => read({ PAIRGATE_METRICS_PORT: 'yes' })).toThrow(/PAIRGATE_METRICS_PORT must be a whole number from 1 to 65535, not "yes"/);
    expect(() => read({ PAIRGATE_METRICS_HOST: '0.0.0.0' })).toThrow(/needs PAIRGATE_METRICS_PORT/);
  });

  it('seeds the demo only when PAIRGATE_SEED_DEMO asks (its password is public)', () => {
    expect(read({}).seedDemo).toBe(false);
    expect(read({ PAIRGATE_SEED_DEMO: 'true' }).seedDemo).toBe(true);
    expect(read({ PAIRGATE_SEED_DEMO: '0' }).seedDemo).toBe(false);
    expect(() => read({ PAIRGATE_SEED_DEMO: 'please' })).toThrow(/PAIRGATE_SEED_DEMO must be true or false, not "please"/);
  });

  it('sends devices the default poll interval unless PAIRGATE_POLL_INTERVAL_SECONDS sets another (at least 1 s)', () => {
    expect(read({}).pollIntervalSeconds).toBe(5);
    expect(read({ PAIRGATE_POLL_INTERVAL_SECONDS: '1' }).pollIntervalSeconds).toBe(1);
    expect(read({ PAIRGATE_POLL_INTERVAL_SECONDS: '15' }).pollIntervalSeconds).toBe(15);
    expect(() => read({ PAIRGATE_POLL_INTERVAL_SECONDS: '0' })).toThrow(/PAIRGATE_POLL_INTERVAL_SECONDS must be a whole number of at least 1, not "0"/);
    expect(() => read({ PAIRGATE_POLL_INTERVAL_SECONDS: '2.5' })).toThrow(/PAIRGATE_POLL_INTERVAL_SECONDS must be a whole number/);
  });
});
