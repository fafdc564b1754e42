import { describe, expect, it } from 'vitest';
import { parseClientConfig } from './client-config';

const good = { issuer: 'http://127.0.0.1:3000/', clientId: 'tv-kiosk', scope: 'openid  profile', deviceName: ' Lobby ', deviceModel: 'Stick' };

describe('parseClientConfig (the web host page’s configuration, same schema as file, env and flags)', () => {
  it('yields the typed configuration, normalised as the server does', () => {
    expect(parseClientConfig(good)).toEqual({ issuer: 'http://127.0.0.1:3000', clientId: 'tv-kiosk', scope: 'openid profile', deviceName: 'Lobby', deviceModel: 'Stick' });
    expect(parseClientConfig({ ...good, devicesApi: 'none' }).devicesApi).toBe('off');
  });

  it('says what is wrong, naming the key', () => {
    expect(() => parseClientConfig(null)).toThrow('The kiosk configuration is not a JSON object.');
    expect(() => parseClientConfig({ ...good, issuer: undefined })).toThrow('The kiosk configuration\'s "issuer" must be a string, not undefined.');
    expect(() => parseClientConfig({ ...good, issuer: 'https://as.example/?x=1' })).toThrow(/"issuer" must not contain a query or fragment/);
    expect(() => parseClientConfig({ ...good, devicesApi: 42 })).toThrow('"devicesApi" must be a string, not 42.');
  });
});
