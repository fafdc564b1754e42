import { formatScope, formatUserCode, generateRandomToken, generateUserCode, GrantType, oauthError, type DeviceAuthorizationResponse, type OAuthErrorBody } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import { consume, type LimitCheck } from '../../limits/rate-limit';
import { networkOf } from '../../net/address';
import { authenticateClient } from '../client-auth';
import { endpointUrls, type CoreContext } from '../context';
import { param, requireForm } from '../http/params';
import { json, noStore, type OAuthRequest, type OAuthResponse } from '../http/types';
import { resolveScope } from '../scope';

/**
 * RFC 8628 §3.1–3.2: the device asks for a device code and a user code. Pairgate extensions:
 * optional `device_name` / `device_model` are shown on the confirm screen; an optional
 * `device_id`, a stable random id the app keeps, is never shown — stored hashed, it lets a new
 * pairing of the same device replace the old sign-in (`sign-ins.ts`). The code's lifetime and
 * the user code's kind (letters, or digits for number-pad remotes) are the client's.
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
  const deviceId = param(params, 'device_id');
  if (deviceId !== undefined && !DEVICE_ID.test(deviceId)) throw oauthError.invalidRequest('device_id must be 16 to 128 visible ASCII characters.');

  // Checked after the request is known good, so malformed floods cost no counter rows.
  const now = ctx.now();
  const retryAfter = await consume(ctx.store, issuanceChecks(ctx, client.clientId, req.clientAddress), now);
  if (retryAfter !== undefined) {
    // RFC 8628 §3.2 answers errors as RFC 6749 §5.2 does, which has no code for "too many".
    // `slow_down` (§3.5) is a polling instruction (add 5 s to the interval of an existing code),
    // meaningless for a request for a new one; `temporarily_unavailable` (RFC 6749 §4.1.2.1,
    // registered in §11.4) is the code for "cannot handle this now, try later", which clients
    // treat as transient, with 429 and Retry-After (RFC 6585 §4) saying when. Answered, not
    // thrown: a flood is mostly these, and an Error captures a stack trace each time.
    return json(429, TOO_MANY_CODES, { 'Retry-After': String(retryAfter), ...noStore });
  }

  // §5.2: the device code is a bearer secret: 256 random bits, stored only as a hash.
  const deviceCode = generateRandomToken(32);
  const expiresIn = client.deviceCodeTtlSeconds ?? ctx.settings.deviceCodeTtlSeconds;
  for (let attempt = 0; attempt < ctx.settings.userCodeAttempts; attempt++) {
    const userCode = generateUserCode(client.userCodeKind);
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
      ...(deviceId === undefined ? {} : { deviceIdHash: hashSecret(deviceId) }),
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


/**
 * The issuance limits (defaults and why in `src/defaults.ts`): per network, so one /64 or one
 * /24 is one subject however many addresses it uses, and per client, across every network.
 */
function issuanceChecks(ctx: CoreContext, clientId: string, clientAddress: string): LimitCheck[] {
  const s = ctx.settings;
  return [
    { rule: { name: 'issue-network', limit: s.deviceCodesPerNetwork, windowMs: s.deviceCodesPerNetworkWindowSeconds * 1000 }, subject: networkOf(clientAddress) },
    { rule: { name: 'issue-client', limit: s.deviceCodesPerClient, windowMs: s.deviceCodesPerClientWindowSeconds * 1000 }, subject: clientId },
  ];
}

/** The body of every refused device authorization (see above). */
const TOO_MANY_CODES: OAuthErrorBody = Object.freeze({ error: 'temporarily_unavailable', error_description: 'Too many device codes requested; try again later.' });

/** RFC 6749 Appendix A VSCHARs, 16–128 of them: long enough to be random, short enough to store. */
const DEVICE_ID = /^[\x20-\x7E]{16,128}$/;

/** Device labels are shown to people: strip control characters, collapse spaces, cap length. */
function deviceLabel(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  const clean = value.replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/g, ' ').trim();
  if (clean.length === 0) return null;
  if (clean.length > max) throw oauthError.invalidRequest(`Device names and models may be at most ${max} characters.`);
  return clean;
}
