/**
 * A TCP proxy for fault tests: put it between a client and a real server, then make the server
 * look stopped (every connection reset, new ones as soon as they arrive) or frozen (connections accepted, nothing
 * forwarded either way, like a paused process or a black-holed network), and restore it.
 * Test support only: nothing in the server imports it.
 */
import net from 'node:net';

export type ProxyState = 'open' | 'stopped' | 'frozen';

export interface FaultProxy {
  /** `url` with its host and port replaced by the proxy's. */
  readonly url: string;
  readonly state: ProxyState;
  /** Connections reset on arrival while stopped: how often a client tried to reconnect. */
  readonly resets: number;
  /** Resets every open connection, and every new one as it arrives. */
  stop(): void;
  /** Accepts connections but forwards nothing; open ones go silent (bytes are held, not lost). */
  freeze(): void;
  /** Back to forwarding; frozen connections carry on with what they had held. */
  restore(): void;
  close(): Promise<void>;
}

/** One proxied connection; while frozen, bytes either way wait in `held`. */
interface Pair {
  client: net.Socket;
  upstream: net.Socket | undefined;
  held: { toUpstream: Buffer[]; toClient: Buffer[] };
}

/** Starts a proxy on 127.0.0.1 (a free port) in front of the server `url` points at. */
export async function startFaultProxy(url: string): Promise<FaultProxy> {
  const target = new URL(url);
  const targetPort = Number(target.port || 5432);
  const pairs = new Set<Pair>();
  let state: ProxyState = 'open';
  let resets = 0;

  const drop = (pair: Pair): void => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  };

  const connectUpstream = (pair: Pair): void => {
    const upstream = net.connect(targetPort, target.hostname);
    pair.upstream = upstream;
    upstream.on('data', (chunk) => (state === 'frozen' ? pair.held.toClient.push(chunk) : pair.client.write(chunk)));
    upstream.on('error', () => drop(pair)).on('close', () => drop(pair));
    for (const chunk of pair.held.toUpstream.splice(0)) upstream.write(chunk);
  };

  const flush = (pair: Pair): void => {
    if (!pair.upstream) return connectUpstream(pair);
    for (const chunk of pair.held.toUpstream.splice(0)) pair.upstream.write(chunk);
    for (const chunk of pair.held.toClient.splice(0)) pair.client.write(chunk);
  };

  const server = net.createServer((client) => {
    if (state === 'stopped') {
      resets++;
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: undefined, held: { toUpstream: [], toClient: [] } };
    pairs.add(pair);
    client.on('error', () => drop(pair)).on('close', () => drop(pair));
    client.on('data', (chunk) => (state === 'frozen' || !pair.upstream ? pair.held.toUpstream.push(chunk) : pair.upstream.write(chunk)));
    // Frozen: accepted, but nothing goes anywhere until restore().
    if (state !== 'frozen') connectUpstream(pair);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);

  return {
    url: proxied.toString(),
    get state() {
      return state;
    },
    get resets() {
      return resets;
    },
    stop() {
      state = 'stopped';
      // RST, not FIN: what a crashed database host or a restarted server's kernel sends.
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream?.resetAndDestroy();
      }
      pairs.clear();
    },
    freeze() {
      state = 'frozen';
    },
    restore() {
      state = 'open';
      for (const pair of pairs) flush(pair);
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
