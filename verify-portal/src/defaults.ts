/**
 * Protocol defaults of the authorization server, one key per setting: what it does, its value,
 * and why. Everything here can be overridden through `createProvider({ ... })`.
 */
export const defaults = {
  /** Lifetime of a device code and its user code (RFC 8628 §3.2 `expires_in`). 10 minutes:
   * long enough to find a phone and sign in, short enough to bound guessing (§5.1). */
  deviceCodeTtlSeconds: 600,
  /** Minimum polling interval sent to devices (RFC 8628 §3.2 `interval`); 5 s is the RFC's
   * own default when none is sent. */
  pollIntervalSeconds: 5,
  /** Access-token lifetime. Short (10 minutes) because JWT access tokens cannot be recalled:
   * signing a device out takes effect at its next refresh. */
  accessTokenTtlSeconds: 600,
  /** ID-token lifetime; it is read once at sign-in. */
  idTokenTtlSeconds: 600,
  /** Refresh-token lifetime. 30 days of inactivity signs a device out; every rotation
   * restarts it. */
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  /** How many user codes to draw before giving up on a collision (20^8 codes, so a second
   * draw is already rare). */
  userCodeAttempts: 5,
  /** How often each instance re-reads the signing keys, so a rotation made by the admin
   * command or another instance is picked up. */
  keyCacheSeconds: 60,
  /** How long a client record is cached by each instance; admin changes apply within this. */
  clientCacheSeconds: 30,
  /** Keep expired device codes this long before purging, so a late poll still gets
   * `expired_token` rather than `invalid_grant`. */
  expiredCodeGraceSeconds: 3600,
  /** Lifetime of an authorization code (RFC 6749 §4.1.2 recommends at most 10 minutes). 60 s:
   * the client redeems it right after the redirect; a short life narrows the window for a
   * stolen code. */
  authorizationCodeTtlSeconds: 60,
  /** How long a validated authorization request waits on the consent screen for Allow or
   * Cancel before the person has to start again from the app. */
  authorizationRequestTtlSeconds: 600,
  /** Longest `state` and `nonce` accepted (they are echoed and stored; real ones are ~43
   * characters). Longer is `invalid_request`. */
  maxStateLength: 1024,
  /** Largest request body the OAuth endpoints read; anything bigger is refused. */
  maxBodyBytes: 64 * 1024,
  /** Longest `device_name` / `device_model` kept for the confirm screen. */
  maxDeviceLabelLength: 80,
  /** Longest lifetime accepted for a private_key_jwt client assertion (`exp` − `iat`, or `exp`
   * − now). Five minutes: an assertion is made for one request (RFC 7523 §3 item 4 asks for a
   * limited window), and its `jti` is remembered for that long to refuse replays. */
  maxClientAssertionLifetimeSeconds: 300,
  /** Clock difference tolerated between a client and this server when checking the `exp`,
   * `nbf` and `iat` of a client assertion (RFC 7519 §4.1.4 allows "a small leeway"). */
  clientAssertionClockSkewSeconds: 30,
} as const;

export type ProviderSettings = { -readonly [K in keyof typeof defaults]: number };
