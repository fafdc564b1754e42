/** Grant type identifiers (RFC 6749 §4, RFC 8628 §3.4). */
export const GrantType = {
  DeviceCode: 'urn:ietf:params:oauth:grant-type:device_code',
  AuthorizationCode: 'authorization_code',
  RefreshToken: 'refresh_token',
  ClientCredentials: 'client_credentials',
  Password: 'password',
} as const;

export type GrantType = (typeof GrantType)[keyof typeof GrantType];

export const grantTypes: readonly GrantType[] = Object.values(GrantType);

export function isGrantType(value: string): value is GrantType {
  return (grantTypes as readonly string[]).includes(value);
}
