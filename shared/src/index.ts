/**
 * @pairgate/shared — the public surface, one explicit list (jose style). Isomorphic: WebCrypto
 * and fetch only, no `node:` imports.
 */

// Protocol vocabulary
export { OAuthError, oauthError, toErrorResponse, isOAuthError, isOAuthErrorCode, quotedString } from './protocol/errors';
export type { OAuthErrorCode, OAuthErrorBody, OAuthErrorOptions } from './protocol/errors';
export { GrantType, grantTypes, isGrantType } from './protocol/grant-types';
export { checkIssuer } from './protocol/issuer';
export type { IssuerCheck } from './protocol/issuer';
export type { AuthorizationServerMetadata } from './protocol/metadata';
export type { DeviceAuthorizationResponse, TokenResponse, UserInfo } from './protocol/responses';
export { parseScope, formatScope, hasScope, Scope } from './protocol/scope';
export {
  USER_CODE_ALPHABET,
  USER_CODE_LENGTH,
  DIGIT_USER_CODE_LENGTH,
  userCodeKind,
  normalizeUserCode,
  formatUserCode,
  spellUserCode,
  generateUserCode,
} from './protocol/user-code';
export type { UserCodeKind } from './protocol/user-code';

// Encoding, randomness, PKCE
export {
  base64urlEncode,
  base64urlDecode,
  base64Encode,
  utf8Encode,
  generateRandomToken,
  randomBytes,
  sha256Base64url,
} from './encoding';
export { timingSafeEqual } from './timing-safe-equal';
export {
  CODE_CHALLENGE_METHOD,
  isCodeVerifier,
  generateCodeVerifier,
  computeCodeChallenge,
  verifyCodeChallenge,
} from './pkce';

// Push channel
export {
  MAX_PUSH_MESSAGE_LENGTH,
  parsePushMessage,
  parsePushStatusMessage,
  parsePushServerMessage,
  parsePushClientMessage,
  parseMatchNumber,
  serializePushMessage,
} from './push';
export type {
  PushStatus,
  PushStatusMessage,
  PushMatchMessage,
  PushSessionMessage,
  PushSubscribeMessage,
  PushWatchMessage,
  PushServerMessage,
  PushClientMessage,
  PushMessage,
} from './push';

// Client: request/process steps
export type { FetchLike, RequestOptions, OAuthClient } from './client/http';
export { InvalidResponseError, responseError } from './client/errors';
export { discover, openIdConfigurationUrl, oauthAuthorizationServerUrl } from './client/discovery';
export { deviceAuthorizationRequest, processDeviceAuthorizationResponse } from './client/device-authorization';
export type { DeviceAuthorizationParameters } from './client/device-authorization';
export {
  deviceCodeGrantRequest,
  refreshTokenGrantRequest,
  authorizationCodeGrantRequest,
  processTokenResponse,
} from './client/token';
export type { AuthorizationCodeGrantParameters } from './client/token';
export { buildAuthorizationUrl } from './client/authorization-request';
export type { AuthorizationUrlParameters } from './client/authorization-request';
export { validateAuthorizationResponse, AuthorizationResponseError } from './client/authorization-response';
export type { AuthorizationResponseErrorCode, ValidateAuthorizationResponseOptions } from './client/authorization-response';
export { revocationRequest, processRevocationResponse } from './client/revocation';
export type { TokenTypeHint } from './client/revocation';
export { userInfoRequest, processUserInfoResponse } from './client/userinfo';
export { verifyIdToken } from './client/id-token';
export type { IdTokenClaims, VerifyIdTokenOptions } from './client/id-token';

// Resource servers: checking a bearer access token (RFC 9068, RFC 6750)
export { verifyAccessToken } from './resource/verify-access-token';
export type { AccessTokenClaims, AccessTokenRequirements, AccessTokenCheck } from './resource/verify-access-token';

// Client: the device-flow driver
export {
  DeviceFlow,
  backoffDelay,
  DEFAULT_POLL_INTERVAL_SECONDS,
  SLOW_DOWN_INCREMENT_SECONDS,
  DEFAULT_MAX_BACKOFF_MS,
} from './client/device-flow';
export type { DeviceFlowState, DeviceFlowResult, DeviceFlowListener, DeviceFlowOptions } from './client/device-flow';
// Client: retry rules and waiting, one way for every loop
export { isTransient } from './client/transient';
export { sleep } from './client/sleep';
export type { Sleep } from './client/sleep';
