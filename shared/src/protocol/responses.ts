/** RFC 8628 §3.2: the device authorization response. */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  /** Lifetime of the device code and user code, in seconds. */
  expires_in: number;
  /** Minimum seconds between polls; RFC 8628 §3.5 says 5 when absent. */
  interval?: number;
}

/** RFC 6749 §5.1 (+ OIDC Core §3.1.3.3): a successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  id_token?: string;
}

/** OIDC Core §5.3.2: the claims Pairgate's userinfo endpoint returns. */
export interface UserInfo {
  sub: string;
  name?: string;
  email?: string;
  email_verified?: boolean;
  [claim: string]: unknown;
}
