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
});
