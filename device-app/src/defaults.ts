/**
 * Every configuration key of the device app: what it does, its default, and why. Values are
 * overridden by the config file, then environment variables, then command-line flags (flags
 * win); `config.ts` reads and validates them. The env var and flag of each key are listed in
 * `config.ts` (`SOURCES`) and in the README; what each accepts in `core/config-schema.ts`.
 */
export const defaults = {
  /** The authorization server's issuer URL. Endpoints are found by discovery (OIDC Discovery
   * §4, then RFC 8414 §3), so any RFC 8628 server works. Default: the portal `npm start` runs. */
  issuer: 'http://localhost:3000',
  /** The OAuth client id. A public client (RFC 8628 §5.6, RFC 8252 §8.4: neither a device nor
   * a desktop app can keep a secret). Unset means the demo client the portal seeds for the flow
   * in use: `tv-kiosk` (device flow) in kiosk mode, `desktop-app` (Authorization Code + PKCE,
   * loopback redirect) in desktop mode and for `pairgate login` in the browser. */
  clientId: undefined,
  /** Scopes to ask for (RFC 6749 §3.3). `openid profile` gives the person's name in the ID
   * token; `offline_access` a refresh token, so the kiosk stays signed in across restarts. */
  scope: 'openid profile offline_access',
  /** Sent as `device_name` and shown on the portal's confirm screen, so the person can check
   * they are approving the screen in front of them (RFC 8628 §5.4). */
  deviceName: 'Pairgate kiosk',
  /** Sent as `device_model`, shown beside the name. */
  deviceModel: 'Pairgate device app',
  /** The "your devices" list on the signed-in screen: after sign-in (and after each refresh)
   * the app calls this protected API with the access token (RFC 6750 bearer) — the controller
   * does, never the screen — and shows the person's devices, this one marked. Unset means
   * `<issuer>/api/devices` (the portal's example API), used only when the server's discovery
   * lists the `devices:read` scope in `scopes_supported`; only then is `devices:read` added to
   * the scopes asked for, so other RFC 8628 servers see no change. A URL: always ask for
   * `devices:read` and call that URL. `off`: never. */
  devicesApi: undefined,
  /** `kiosk`: device flow, code + QR (RFC 8628). `desktop`: "Sign in with your browser" —
   * Authorization Code + PKCE through the system browser with a loopback redirect (RFC 8252);
   * needs Electron (a web page cannot listen on a port). */
  mode: 'kiosk',
  /** Electron full-screen kiosk window. Unset means: on in kiosk mode, off otherwise. Turn it
   * off to debug on a desktop. */
  kiosk: undefined,
  /** Store the refresh token even where the OS offers no encryption (Linux `basic_text`).
   * Default false: a plaintext refresh token on disk is a standing credential anyone with the
   * disk can use; without it the kiosk stays signed in only until it restarts. */
  allowPlaintextTokens: false,
  /** Port of the web host (the kiosk as a web page, when Electron cannot run). 0 picks a free
   * one; it is printed on the console either way. */
  webPort: 3100,
  /** Address the web host binds. Loopback by default: the kiosk browser runs on the same box. */
  webHost: '127.0.0.1',
} as const satisfies Record<string, string | number | boolean | undefined>;
