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
  /**
   * Device codes issued per client network (`networkOf`: one IPv4 /24, one IPv6 /64) per
   * window: a burst of 30, then one a second (sliding window; past it, 429 + Retry-After).
   * A kiosk asks for one code per 10-minute lifetime while it waits, plus one per restart, so
   * one a second keeps 600 idle screens behind one NAT supplied, and a whole shop of 30 coming
   * back from a power cut gets its codes at once. Auth0 publishes 5 device codes/s per IP;
   * this is stricter sustained (one address rarely hosts hundreds of screens) and more generous
   * in a burst. Without it one address made 1.5–2.6k codes/s and grew the database 35–52 MB/min;
   * with it, at most ~21 KB/min per network.
   */
  deviceCodesPerNetwork: 30,
  deviceCodesPerNetworkWindowSeconds: 30,
  /**
   * Device codes issued per client (app), from every network together: a burst of 3,000, then
   * 50 a second. A fleet of 10,000 idle kiosks needs 10,000 / 600 s ≈ 17 codes/s, so this
   * leaves 3× headroom; it bounds what many addresses can write for one public `client_id`
   * (50/s × ~350 bytes ≈ 1 MB/min, and rows live 10 min + the 1 h grace: ≤ 210k rows). GitHub
   * allows 50 codes per hour per app, sized for people at a command line, one code each; a
   * kiosk fleet needs far more. Raise it for a larger fleet.
   */
  deviceCodesPerClient: 3_000,
  deviceCodesPerClientWindowSeconds: 60,
  /**
   * scrypt cost for password hashes, as log2(N) with r = 8, p = 1 (RFC 7914). 17 is OWASP's
   * current guidance (Password Storage Cheat Sheet: N=2^17, r=8, p=1): 128·N·r = 128 MiB of
   * memory and ~0.3–0.5 s of one core per hash, which makes offline guessing of a stolen hash
   * costly. Node's scrypt runs on the libuv pool (4 threads by default), so at most 512 MiB are
   * in use however many people sign in at once. Hashes made at a lower cost are made again at
   * this one when their owner next signs in (the only time the password is at hand).
   */
  scryptLog2N: 17,
  /** How often expired rows are purged (in batches, see `Store.purgeExpired`): often enough
   * that a purge finds few rows, rarely enough to cost nothing. */
  purgeIntervalSeconds: 300,
} as const;

export type ProviderSettings = { -readonly [K in keyof typeof defaults]: number };

/**
 * How the PostgreSQL store and the push listener treat a database that is slow, frozen or gone
 * (`openPostgresStore(url, options)`, `createPostgresDeviceEvents(url, onError, options)`).
 * Every statement of the store is a key look-up, a one-row write or a small batch that takes
 * about a millisecond, so these are 1,000× the normal time: a healthy database never meets them,
 * and a sick one costs a request seconds (then 503 + Retry-After), not minutes.
 */
export const databaseDefaults = {
  /** Connections per instance (`pg.Pool` `max`). 10 × instances must stay under the server's
   * `max_connections` (100 by default) with room for admin sessions. */
  poolSize: 10,
  /** Longest wait for a connection: a new one (TCP + startup + auth), or a free one from a full
   * pool (`pg.Pool` `connectionTimeoutMillis`). 5 s: a healthy database on a LAN connects in a
   * few ms; past this the request is answered 503 rather than hanging. */
  connectTimeoutMs: 5_000,
  /** Server-side `statement_timeout`: PostgreSQL cancels a statement running longer (SQLSTATE
   * 57014), so a runaway query or a lock queue cannot hold a connection. 5 s. Migrations,
   * which may rewrite large tables, run without it. */
  statementTimeoutMs: 5_000,
  /** Client-side `query_timeout`: the driver gives up on an answer that does not come — what
   * `statement_timeout` cannot catch when the server or the network is frozen. A second above
   * `statementTimeoutMs`, so a live server's own cancel comes first. */
  queryTimeoutMs: 6_000,
  /** Server-side `idle_in_transaction_session_timeout`: a transaction left open by an instance
   * that froze or lost its network mid-way is ended after 10 s, releasing the row locks other
   * instances wait on (a poll, a redemption). Our transactions are a few statements, never idle. */
  idleInTransactionTimeoutMs: 10_000,
  /** How often the push listener proves its LISTEN connection alive with `SELECT 1`. TCP
   * keep-alive notices a peer that vanished; only a query notices one that is frozen. 30 s:
   * push falls back to polling (every 5 s) meanwhile, so this only bounds how long push is mute. */
  listenerHeartbeatMs: 30_000,
  /** First and longest wait between reconnection attempts of the push listener: exponential
   * back-off with jitter (half fixed, half random) from 0.5 s, capped at 30 s, forever — a
   * database that is away for an hour is retried ~120 times, not thousands. */
  reconnectMinDelayMs: 500,
  reconnectMaxDelayMs: 30_000,
} as const;

export type DatabaseSettings = { -readonly [K in keyof typeof databaseDefaults]: number };
