import type { TokenResponse } from '@pairgate/shared';
import type { ClientRecord } from '../../store/store';
import type { CoreContext } from '../context';

/** One grant type's handler: the authenticated client and the form parameters in, tokens out. */
export type GrantHandler = (ctx: CoreContext, client: ClientRecord, params: URLSearchParams) => Promise<TokenResponse>;
