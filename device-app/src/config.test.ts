import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { defaults } from './defaults';

const file = (json: unknown) => () => JSON.stringify(json);

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    expect(loadConfig()).toEqual({
      issuer: defaults.issuer,
      clientId: 'tv-kiosk',
      scope: 'openid profile offline_access',
      deviceName: defaults.deviceName,
      deviceModel: defaults.deviceModel,
      mode: 'kiosk',
      kiosk: true, // default on in kiosk mode
      allowPlaintextTokens: false,
      webPort: defaults.webPort,
      webHost: defaults.webHost,
    });
  });

  it('file, then env, then flags: later sources win', () => {
    const config = loadConfig({
      argv: ['--config', 'kiosk.json', '--client-id', 'from-flag', '--no-kiosk'],
      env: { PAIRGATE_CLIENT_ID: 'from-env', PAIRGATE_SCOPE: 'openid', PAIRGATE_DEVICE_NAME: 'Env TV' },
      readFile: file({ issuer: 'https://login.example.com', clientId: 'from-file', scope: 'openid email', deviceModel: 'File Stick', kiosk: true }),
    });
    expect(config).toMatchObject({
      issuer: 'https://login.example.com', // file only
      clientId: 'from-flag', // flag beats env beats file
      scope: 'openid', // env beats file
      deviceName: 'Env TV',
      deviceModel: 'File Stick',
      kiosk: false,
    });
  });

  it('reads the config file from PAIRGATE_CONFIG and flags in --name=value form', () => {
    const config = loadConfig({
      argv: ['--issuer=https://as.example/tenant/', '--allow-plaintext-tokens', '--web-port=0'],
      env: { PAIRGATE_CONFIG: '/etc/pairgate.json' },
      readFile: (path) => (path === '/etc/pairgate.json' ? JSON.stringify({ deviceName: 'Lobby' }) : ''),
    });
    expect(config).toMatchObject({ issuer: 'https://as.example/tenant', allowPlaintextTokens: true, webPort: 0, deviceName: 'Lobby' });
  });

  it('writes a bare-origin issuer without the trailing slash, as servers publish it', () => {
    expect(loadConfig({ argv: ['--issuer', 'http://127.0.0.1:3000/'] }).issuer).toBe('http://127.0.0.1:3000');
  });

  it('explains every bad value and where it came from', () => {
    let error: unknown;
    try {
      loadConfig({
        argv: ['--scope', 'openid "profile"', '--bogus', '--config', 'kiosk.json'],
        env: { PAIRGATE_ISSUER: 'login.example.com', PAIRGATE_KIOSK: 'maybe', PAIRGATE_WEB_PORT: '70000' },
        readFile: file({ mode: 'tv', colour: 'blue' }),
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('issuer (from PAIRGATE_ISSUER) must be an absolute URL such as https://login.example.com.');
    expect(message).toContain('kiosk (from PAIRGATE_KIOSK) must be true or false, not "maybe".');
    expect(message).toContain('webPort (from PAIRGATE_WEB_PORT) must be a whole number from 0 to 65535');
    expect(message).toContain('scope (from --scope) must be space-separated scope names');
    expect(message).toContain('unknown option --bogus');
    expect(message).toContain('mode (from kiosk.json) must be "kiosk" or "desktop", not "tv".');
    expect(message).toContain('unknown key "colour"');
  });

  it('refuses an issuer with a query or fragment (RFC 8414 §2) or a password, never repeating it, and a missing config file', () => {
    expect(() => loadConfig({ argv: ['--issuer', 'https://as.example/?tenant=1'] })).toThrow(/query or fragment/);
    expect(() => loadConfig({ argv: ['--issuer', 'https://me:s3cret@as.example'] })).toThrow('issuer (from --issuer) must not contain a user name or password.');
    expect(() => loadConfig({ argv: ['--issuer', 'me:s3cret@as.example'] })).not.toThrow(/s3cret/);
    expect(() =>
      loadConfig({
        argv: ['--config', '/nope.json'],
        readFile: () => {
          throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        },
      }),
    ).toThrow(/the config file \/nope.json does not exist/);
  });

  it('devicesApi: unset by default (discovery decides), a URL from file, env or flag, or "off"', () => {
    expect(loadConfig().devicesApi).toBeUndefined();
    expect(loadConfig({ readFile: file({ devicesApi: 'https://api.example.com/me/devices' }), argv: ['--config', 'k.json'] }).devicesApi).toBe('https://api.example.com/me/devices');
    expect(loadConfig({ env: { PAIRGATE_DEVICES_API: 'off' } }).devicesApi).toBe('off');
    expect(loadConfig({ env: { PAIRGATE_DEVICES_API: 'off' }, argv: ['--devices-api', 'http://localhost:3000/api/devices'] }).devicesApi).toBe('http://localhost:3000/api/devices');
    expect(() => loadConfig({ argv: ['--devices-api', 'ftp://x/y'] })).toThrow(/devicesApi \(from --devices-api\) must use https/);
    expect(() => loadConfig({ argv: ['--devices-api', 'maybe'] })).toThrow(/devicesApi .* or "off"/);
  });

  it('desktop mode: not a kiosk window, and the desktop demo client unless one is configured', () => {
    expect(loadConfig({ env: { PAIRGATE_MODE: 'desktop' } })).toMatchObject({ mode: 'desktop', kiosk: false, clientId: 'desktop-app' });
    expect(loadConfig({ env: { PAIRGATE_MODE: 'desktop', PAIRGATE_CLIENT_ID: 'mine' } }).clientId).toBe('mine');
  });

  it('flags by node:util.parseArgs: --switch, --no-switch, --switch=false; a flag with no value says so', () => {
    expect(loadConfig({ argv: ['--allow-plaintext-tokens', '--kiosk=false'] })).toMatchObject({ allowPlaintextTokens: true, kiosk: false });
    expect(loadConfig({ argv: ['--no-allow-plaintext-tokens'], env: { PAIRGATE_ALLOW_PLAINTEXT_TOKENS: 'yes' } }).allowPlaintextTokens).toBe(false);
    expect(() => loadConfig({ argv: ['--issuer'] })).toThrow('--issuer needs a value.');
    expect(() => loadConfig({ argv: ['--client-id', '--kiosk'] })).toThrow('--client-id needs a value.');
    expect(() => loadConfig({ argv: ['--kiosk=maybe'] })).toThrow('kiosk (from --kiosk) must be true or false, not "maybe".');
  });

  it('one schema for every source: a file’s JSON types are checked like text from env and flags', () => {
    expect(loadConfig({ argv: ['--config', 'k.json'], readFile: file({ webPort: 8080, kiosk: false, deviceName: '  Hall  ' }) })).toMatchObject({ webPort: 8080, kiosk: false, deviceName: 'Hall' });
    expect(() => loadConfig({ argv: ['--config', 'k.json'], readFile: file({ clientId: 42 }) })).toThrow('clientId (from k.json) must be a string, not 42.');
    expect(() => loadConfig({ argv: ['--config', 'k.json'], readFile: file({ webPort: 1.5 }) })).toThrow('webPort (from k.json) must be a whole number from 0 to 65535, not 1.5.');
    // Only the winning value is checked: a bad one that a later source overrides does not matter.
    expect(loadConfig({ env: { PAIRGATE_MODE: 'tv' }, argv: ['--mode', 'desktop'] }).mode).toBe('desktop');
  });

  it('ignores foreign switches when told to (Electron adds its own)', () => {
    expect(loadConfig({ argv: ['--enable-logging', '--client-id', 'x'], strictFlags: false }).clientId).toBe('x');
  });
});
