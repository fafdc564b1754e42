// The issuer `npm start` gives the portal, so the QR code on the kiosk opens on a phone: a phone
// cannot open http://localhost:3000, but it can open the machine's address on the home network.

/**
 * Private IPv4 ranges (RFC 1918), most likely home network first: 192.168/16 (home routers),
 * 10/8 (offices, some routers), then 172.16/12, where container bridges live (Docker's 172.17.0.1).
 */
const PRIVATE_RANGES = [
  (a, b) => a === 192 && b === 168,
  (a) => a === 10,
  (a, b) => a === 172 && b >= 16 && b <= 31,
];

function rank(address) {
  const [a, b] = address.split('.').map(Number);
  const range = PRIVATE_RANGES.findIndex((inRange) => inRange(a, b));
  return range === -1 ? PRIVATE_RANGES.length : range;
}

/**
 * The machine's LAN address: the first non-internal IPv4 address, private ranges preferred in
 * the order above; link-local (169.254/16, RFC 3927: no DHCP answer) never. Undefined when there
 * is none (no network: stay on localhost).
 * @param {NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>} interfaces as from os.networkInterfaces()
 * @returns {string | undefined}
 */
export function lanAddress(interfaces) {
  const candidates = Object.values(interfaces)
    .flatMap((infos) => infos ?? [])
    // Node 18.0–18.3 said 4 instead of 'IPv4'.
    .filter((info) => (info.family === 'IPv4' || info.family === 4) && !info.internal && !info.address.startsWith('169.254.'))
    .map((info) => info.address);
  // A stable sort keeps the interfaces' own order within a rank.
  return candidates.sort((x, y) => rank(x) - rank(y))[0];
}

/** localhost, 127/8 and ::1 (RFC 6890): this machine only. URL hostnames keep IPv6 brackets. */
function isLoopback(host) {
  return host === 'localhost' || host.startsWith('127.') || host === '::1' || host === '[::1]';
}
const ALL_INTERFACES = new Set(['0.0.0.0', '::']);

/**
 * The portal's issuer for `npm start`: `PAIRGATE_ISSUER` when set; with a loopback `HOST`,
 * localhost; with a specific `HOST`, that address; otherwise the LAN address (the portal listens
 * on all interfaces by default), or localhost when there is none.
 * @param {NodeJS.ProcessEnv} env
 * @param {NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>} interfaces as from os.networkInterfaces()
 * @returns {{ issuer: string, phoneUrl: string | undefined, listensOnLan: boolean }}
 *   phoneUrl: where a phone on the network starts (undefined when the issuer is this machine only);
 *   listensOnLan: whether other machines can reach the portal at all.
 */
export function startIssuer(env, interfaces) {
  const port = env.PORT || '3000';
  const host = env.HOST?.trim() || undefined;
  const listensOnLan = !host || !isLoopback(host);
  let issuer = env.PAIRGATE_ISSUER;
  if (!issuer) {
    const address = listensOnLan ? (host && !ALL_INTERFACES.has(host) ? host : lanAddress(interfaces)) : undefined;
    issuer = address ? `http://${address.includes(':') ? `[${address}]` : address}:${port}` : `http://localhost:${port}`;
  }
  // An issuer that is not a URL has no phone URL; the portal refuses it with a clear message.
  const issuerHost = URL.canParse(issuer) ? new URL(issuer).hostname : 'localhost';
  const phoneUrl = listensOnLan && !isLoopback(issuerHost) ? `${issuer.replace(/\/$/, '')}/activate` : undefined;
  return { issuer, phoneUrl, listensOnLan };
}
