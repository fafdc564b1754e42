import { describe, expect, it } from 'vitest';
import { withClientDefaults } from '../store/store';
import { ClientPolicyError, describeClientPolicy, parseClientPolicy } from './client-policy';

const SCOPES = ['openid', 'profile', 'offline_access'];

describe('the cross-device policy options of `clients add` / `clients set`', () => {
  it('parses every option into client fields, and leaves out what was not given', () => {
    expect(
      parseClientPolicy(
        {
          proximity: 'step-up',
          'allowed-networks': '10.0.0.0/8, 2001:db8::/32',
          'code-ttl': '300',
          'user-code': 'digits',
          'remote-scopes': 'openid profile',
          'remote-refresh-ttl': '3600',
        },
        SCOPES,
      ),
    ).toEqual({
      proximity: 'step-up',
      allowedNetworks: ['10.0.0.0/8', '2001:db8::/32'],
      deviceCodeTtlSeconds: 300,
      userCodeKind: 'digits',
      remoteScopes: ['openid', 'profile'],
      remoteRefreshTtlSeconds: 3600,
    });
    expect(parseClientPolicy({}, SCOPES)).toEqual({});
    expect(parseClientPolicy({ proximity: 'deny' }, SCOPES)).toEqual({ proximity: 'deny' });
  });

  it('resets with default / all / none / an empty list', () => {
    expect(parseClientPolicy({ 'code-ttl': 'default', 'remote-scopes': 'all', 'remote-refresh-ttl': 'none', 'allowed-networks': '' }, SCOPES)).toEqual({
      deviceCodeTtlSeconds: null,
      remoteScopes: null,
      remoteRefreshTtlSeconds: null,
      allowedNetworks: [],
    });
  });

  it.each([
    [{ proximity: 'strict' }, /--proximity must be one of off, warn, step-up, deny/],
    [{ 'user-code': 'emoji' }, /--user-code must be one of letters, digits/],
    [{ 'allowed-networks': '10.0.0.0/8,10.0.0.0/33,office' }, /not a CIDR block: 10\.0\.0\.0\/33, office/],
    [{ 'code-ttl': '59' }, /--code-ttl must be a whole number of seconds from 60 to 1800/],
    [{ 'code-ttl': '1801' }, /from 60 to 1800/],
    [{ 'code-ttl': '5m' }, /from 60 to 1800/],
    [{ 'remote-refresh-ttl': '0' }, /--remote-refresh-ttl/],
    [{ 'remote-scopes': 'openid admin' }, /may not ask for admin at all/],
    [{ 'remote-scopes': 'openid "x"' }, /space-separated list/],
  ])('refuses %j with a message that says what is wrong', (values, message) => {
    expect(() => parseClientPolicy(values, SCOPES)).toThrow(ClientPolicyError);
    expect(() => parseClientPolicy(values, SCOPES)).toThrow(message);
  });

  it('describes a client’s policy in one line for `clients list`', () => {
    const client = withClientDefaults({
      clientId: 'tv', name: 'TV', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null, grantTypes: [], redirectUris: [], scopes: SCOPES, firstParty: true, createdAt: 0,
    });
    expect(describeClientPolicy(client)).toBe('proximity=warn networks=- code-ttl=default user-code=letters remote-scopes=all remote-refresh-ttl=none');
    expect(describeClientPolicy({ ...client, proximity: 'step-up', allowedNetworks: ['10.0.0.0/8'], deviceCodeTtlSeconds: 300, userCodeKind: 'digits', remoteScopes: ['openid'], remoteRefreshTtlSeconds: 60 })).toBe(
      'proximity=step-up networks=10.0.0.0/8 code-ttl=300 user-code=digits remote-scopes=openid remote-refresh-ttl=60',
    );
  });
});
