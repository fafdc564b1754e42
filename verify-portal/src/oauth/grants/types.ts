import type { TokenResponse } from '@pairgate/shared';
import type { ClientRecord } from '../../store/store';
import type { CoreContext } from '../context';
import type { OAuthRequest } from '../http/types';

/**
 * One grant type's handler: the authenticated client and the form parameters in, tokens out.
 * `req` is there for what only the request knows (the client address, for rate limits).
 */
export type GrantHandler = (ctx: CoreContext, client: ClientRecord, params: URLSearchParams, req: OAuthRequest) => Promise<TokenResponse>;
