import type { CoreContext } from '../context';
import { json, type OAuthResponse } from '../http/types';

/** The public signing keys: current and previous, so verifiers survive a rotation. */
export async function jwksEndpoint(ctx: CoreContext): Promise<OAuthResponse> {
  return json(200, await ctx.keys.jwks(), { 'Cache-Control': 'public, max-age=300' });
}
