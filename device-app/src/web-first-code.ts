/**
 * The web host's head start: it asks the authorization server for the kiosk's first code while
 * answering the request for the page, and puts the code in the page — rendered, and as data the
 * page's controller carries on with. The code is then on screen at first paint instead of after
 * the bundle has loaded, run, discovered the server and asked (measured before: 1.2–3.5 s).
 * When the server is slow or away, the page goes without and asks itself.
 */
import {
  deviceAuthorizationRequest,
  processDeviceAuthorizationResponse,
  type DeviceAuthorizationResponse,
  type FetchLike,
} from '@pairgate/shared';
import type { ClientConfig } from './core/client-config';
import { Connection } from './core/connection';
import { devicesApiUrl, scopeWithDevices } from './core/devices-api';
import { describeError, type Log } from './core/diagnostics';

/** Longer than this and the page is better off asking itself (it shows "Getting a code…" meanwhile). */
const FIRST_CODE_TIMEOUT_MS = 1_500;
/**
 * The page counts the code's lifetime from when it reads it, a moment after the server issued
 * it: a second less keeps the screen's expiry before the server's (RFC 8628 §3.5 `expired_token`).
 */
const EXPIRY_MARGIN_SECONDS = 1;

/** What the page is given: the authorization with `expires_in` counted from now. */
export interface EmbeddedFirstCode {
  authorization: DeviceAuthorizationResponse;
}

/** Asks for a code for the screen whose device id (`device_id`) is given. */
export type FirstCodeSource = (deviceId: string | undefined) => Promise<EmbeddedFirstCode | undefined>;

export function firstCodeSource(config: ClientConfig, options: { fetch?: FetchLike | undefined; now?: () => number; log: Log }): FirstCodeSource {
  const now = options.now ?? Date.now;
  // Discovery is kept between pages; a failed one is tried again with the next page.
  const connection = new Connection({ issuer: config.issuer, clientId: config.clientId, fetch: options.fetch });
  return async (deviceId) => {
    const signal = AbortSignal.timeout(FIRST_CODE_TIMEOUT_MS);
    const requestedAt = now();
    try {
      const metadata = await connection.discover(signal);
      // The same scope the page would ask for (devices:read where the devices API will be used).
      const scope = scopeWithDevices(config.scope, devicesApiUrl(config.devicesApi, config.issuer, metadata));
      const authorization = await processDeviceAuthorizationResponse(
        await deviceAuthorizationRequest(
          metadata,
          connection.client,
          { scope, device_name: config.deviceName, device_model: config.deviceModel, device_id: deviceId },
          connection.requestOptions(signal),
        ),
      );
      const left = Math.floor(authorization.expires_in - (now() - requestedAt) / 1000) - EXPIRY_MARGIN_SECONDS;
      return left > 0 ? { authorization: { ...authorization, expires_in: left } } : undefined;
    } catch (error) {
      options.log(`no first code for the page (the page will ask itself): ${describeError(error)}`);
      return undefined;
    }
  };
}
