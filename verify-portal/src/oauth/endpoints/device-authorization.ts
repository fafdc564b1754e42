import { randomBytes } from 'node:crypto';
import { formatScope, formatUserCode, generateUserCode, GrantType, oauthError, type DeviceAuthorizationResponse } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import { authenticateClient } from '../client-auth';
import { endpointUrls, type CoreContext } from '../context';
import { param, requireForm } from '../http/params';
import { json, noStore, type OAuthRequest, type OAuthResponse } from '../http/types';
import { resolveScope } from '../scope';

/**
 * RFC 8628 §3.1–3.2: the device asks for a device code and a user code. Optional
 * `device_name` / `device_model` (a Pairgate extension) are shown on the confirm screen.
 */
export async function deviceAuthorizationEndpoint(ctx: CoreContext, req: OAuthRequest): Promise<OAuthResponse> {
  const params = requireForm(req);
  const client = await authenticateClient(ctx, req, params);
  if (!client.grantTypes.includes(GrantType.DeviceCode)) {
    throw oauthError.unauthorizedClient('This client may not use the device authorization grant.');
  }
  const scope = resolveScope(param(params, 'scope'), client.scopes);
  const deviceName = deviceLabel(param(params, 'device_name'), ctx.settings.maxDeviceLabelLength);
  const deviceModel = deviceLabel(param(params, 'device_model'), ctx.settings.maxDeviceLabelLength);

  // §5.2: the device code is a bearer secret: 256 random bits, stored only as a hash.
  const deviceCode = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const expiresIn = ctx.settings.deviceCodeTtlSeconds;
  for (let attempt = 0; attempt < ctx.settings.userCodeAttempts; attempt++) {
    const userCode = generateUserCode();
    const stored = await ctx.store.insertDeviceCode({
      deviceCodeHash: hashSecret(deviceCode),
      userCode,
      clientId: client.clientId,
      scope: formatScope(scope),
      deviceName,
      deviceModel,
      clientIp: req.clientAddress || null,
      createdAt: now,
      expiresAt: now + expiresIn * 1000,
      interval: ctx.settings.pollIntervalSeconds,
      lastPolledAt: null,
      status: 'pending',
      userId: null,
      decidedAt: null,
    });
    if (!stored) continue; // the user code is live for another device: draw again
    const verificationUri = endpointUrls(ctx.issuer).verification;
    const body: DeviceAuthorizationResponse = {
      device_code: deviceCode,
      user_code: formatUserCode(userCode),
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${formatUserCode(userCode)}`,
      expires_in: expiresIn,
      interval: ctx.settings.pollIntervalSeconds,
    };
    ctx.metrics.deviceCode('issued');
    return json(200, body, { ...noStore });
  }
  throw oauthError.serverError(new Error('Could not draw a free user code.'));
}


/** Device labels are shown to people: strip control characters, collapse spaces, cap length. */
function deviceLabel(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  const clean = value.replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/g, ' ').trim();
  if (clean.length === 0) return null;
  if (clean.length > max) throw oauthError.invalidRequest(`Device names and models may be at most ${max} characters.`);
  return clean;
}
