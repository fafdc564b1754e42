import type { IncomingMessage } from 'node:http';
import { clientAddressOf } from '../../oauth/http/node-adapter';

/**
 * The request header the custom server overwrites with the real client address, so pages can
 * read it with `headers()`. Whatever a client sent under this name is discarded.
 */
export const CLIENT_IP_HEADER = 'x-pairgate-client-ip';

/**
 * The socket's peer, or the first `X-Forwarded-For` hop when the proxy is trusted
 * (PAIRGATE_TRUST_PROXY) — the same rule as the OAuth core, so the device's recorded address
 * and the phone's compare like with like.
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  return clientAddressOf(req, trustProxy);
}
