import { GrantType } from '@pairgate/shared';
import { authorizationCodeGrant } from './authorization-code';
import { deviceCodeGrant } from './device-code';
import { refreshTokenGrant } from './refresh-token';
import type { GrantHandler } from './types';

/** The grant types the token endpoint serves. Discovery lists exactly these. */
export const grantHandlers: Readonly<Record<string, GrantHandler>> = {
  [GrantType.AuthorizationCode]: authorizationCodeGrant,
  [GrantType.DeviceCode]: deviceCodeGrant,
  [GrantType.RefreshToken]: refreshTokenGrant,
};
