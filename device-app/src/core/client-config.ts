/**
 * The part of the configuration the session controller needs, and the only part the web host's
 * page is given (`/config.json`): nothing secret, public clients only (RFC 8628 §5.6: a device
 * cannot keep a secret).
 */
export interface ClientConfig {
  /** Issuer URL; endpoints come from its discovery document (RFC 8414 / OIDC Discovery). */
  issuer: string;
  clientId: string;
  /** Space-delimited scope (RFC 6749 §3.3). */
  scope: string;
  /** Shown on the portal's confirm screen so the person can check which device they approve. */
  deviceName: string;
  deviceModel: string;
  /**
   * The example "your devices" API (`GET /api/devices`) to call after sign-in. Unset: use
   * `<issuer>/api/devices`, but only when discovery's `scopes_supported` lists `devices:read`
   * (so a foreign RFC 8628 server is never asked for it). A URL: always ask for `devices:read` and
   * call it. `off`: never.
   */
  devicesApi?: string;
}

/** Reads a ClientConfig from untrusted JSON (the web host's `/config.json`). */
export function parseClientConfig(value: unknown): ClientConfig {
  if (typeof value !== 'object' || value === null) throw new TypeError('The kiosk configuration is not a JSON object.');
  const record = value as Record<string, unknown>;
  const text = (name: keyof ClientConfig): string => {
    const field = record[name];
    if (typeof field !== 'string') throw new TypeError(`The kiosk configuration lacks "${name}".`);
    return field;
  };
  const devicesApi = record.devicesApi;
  if (devicesApi !== undefined && devicesApi !== null && typeof devicesApi !== 'string') throw new TypeError('The kiosk configuration\'s "devicesApi" is not a string.');
  return {
    issuer: text('issuer'),
    clientId: text('clientId'),
    scope: text('scope'),
    deviceName: text('deviceName'),
    deviceModel: text('deviceModel'),
    ...(typeof devicesApi === 'string' ? { devicesApi } : {}),
  };
}
