/**
 * Redirect URI matching (RFC 6749 §3.1.2, RFC 9700 §2.1): exact string comparison against the
 * client's registered URIs, with one exception — RFC 8252 §7.3: for a registered loopback URI
 * (`http://127.0.0.1/…` or `http://[::1]/…`) any port is accepted, because native apps listen
 * on an ephemeral port chosen at run time. `localhost` is not a loopback literal here
 * (RFC 8252 §8.3 recommends against it: it can resolve elsewhere).
 */
export function matchRedirectUri(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  const url = parseLoopback(requested);
  if (!url) return false;
  return registered.some((candidate) => {
    const allowed = parseLoopback(candidate);
    // Registered without a port (or with one): everything but the port must be identical.
    return allowed !== undefined && allowed.hostname === url.hostname && withoutPort(allowed) === withoutPort(url);
  });
}

function parseLoopback(uri: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:') return undefined;
  if (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]') return undefined;
  if (url.username || url.password || url.hash) return undefined;
  return url;
}

function withoutPort(url: URL): string {
  return `${url.protocol}//${url.hostname}${url.pathname}${url.search}`;
}
