import { describe, expect, it } from 'vitest';
import { GrantType, isGrantType } from '../../src/protocol/grant-types';

describe('grant types', () => {
  it('uses the RFC 8628 §3.4 URN for the device code grant', () => {
    expect(GrantType.DeviceCode).toBe('urn:ietf:params:oauth:grant-type:device_code');
  });

  it('recognises known grant types only', () => {
    expect(isGrantType('refresh_token')).toBe(true);
    expect(isGrantType('implicit')).toBe(false);
  });
});
