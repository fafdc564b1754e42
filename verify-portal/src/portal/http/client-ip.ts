/**
 * The request header the custom server overwrites with the real client address, so pages can
 * read it with `headers()`. Whatever a client sent under this name is discarded. The address is
 * the OAuth core's (`clientAddressOf`: the socket's peer, or the first `X-Forwarded-For` hop when
 * PAIRGATE_TRUST_PROXY is set), so the device's recorded address and the phone's compare like
 * with like.
 */
export const CLIENT_IP_HEADER = 'x-pairgate-client-ip';
