/** RFC 8628 §3.1–3.2: the device authorization request and its response. */
import type { AuthorizationServerMetadata } from '../protocol/metadata';
import type { DeviceAuthorizationResponse } from '../protocol/responses';
import { expectJsonObject } from './errors';
import { FieldReader } from './fields';
import { endpoint, postForm, type OAuthClient, type RequestOptions } from './http';

export interface DeviceAuthorizationParameters {
  /** Space-delimited scope (RFC 6749 §3.3). */
  scope?: string;
  /** Pairgate extension shown on the confirm screen (RFC 8628 §5.4: let the person check the device). */
  device_name?: string;
  /** Pairgate extension shown on the confirm screen. */
  device_model?: string;
  /**
   * Pairgate extension (RFC 8628 §3.1 lets a server define more parameters): a random id the
   * device keeps across restarts and sends with every code, so approving a new pairing of the
   * same device ends its earlier sign-in instead of leaving a second one live. Never shown.
   */
  device_id?: string;
}

export function deviceAuthorizationRequest(
  metadata: AuthorizationServerMetadata,
  client: OAuthClient,
  params: DeviceAuthorizationParameters = {},
  options: RequestOptions = {},
): Promise<Response> {
  return postForm(
    endpoint(metadata, 'device_authorization_endpoint'),
    client,
    { scope: params.scope, device_name: params.device_name, device_model: params.device_model, device_id: params.device_id },
    options,
  );
}

/** Validates the RFC 8628 §3.2 response; throws `OAuthError` or `InvalidResponseError`. */
export async function processDeviceAuthorizationResponse(response: Response): Promise<DeviceAuthorizationResponse> {
  const body = await expectJsonObject(response, 'device authorization');
  const read = new FieldReader(body, 'device authorization', response.status);
  const device_code = read.requiredString('device_code');
  const user_code = read.requiredString('user_code');
  // Google's device endpoint predates the RFC and says `verification_url`; accept it as a fallback.
  const verification_uri =
    body.verification_uri === undefined && typeof body.verification_url === 'string'
      ? read.requiredString('verification_url')
      : read.requiredString('verification_uri');
  const verification_uri_complete = read.optionalString('verification_uri_complete');
  const expires_in = read.requiredSeconds('expires_in');
  if (expires_in === 0) read.fail('"expires_in" must be positive.');
  const interval = read.optionalSeconds('interval');
  return {
    device_code,
    user_code,
    verification_uri,
    ...(verification_uri_complete === undefined ? {} : { verification_uri_complete }),
    expires_in,
    ...(interval === undefined ? {} : { interval }),
  };
}
