import { GrantType } from '@pairgate/shared';
import { authorizationCodeGrant } from './authorization-code';
import { clientCredentialsGrant } from './client-credentials';
import { deviceCodeGrant } from './device-code';
import { passwordGrant } from './password';
import { refreshTokenGrant } from './refresh-token';
import type { GrantHandler } from './types';

/**
 * The grant types the token endpoint serves. Discovery lists exactly these. Each is still
 * per-client opt-in: a client may use only the grant types it was registered with.
 */
export const grantHandlers: Readonly<Record<string, GrantHandler>> = {
  [GrantType.AuthorizationCode]: authorizationCodeGrant,
  [GrantType.DeviceCode]: deviceCodeGrant,
  [GrantType.RefreshToken]: refreshTokenGrant,
  [GrantType.ClientCredentials]: clientCredentialsGrant,
  [GrantType.Password]: passwordGrant,
};
