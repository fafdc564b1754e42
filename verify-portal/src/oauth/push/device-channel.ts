import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MAX_PUSH_MESSAGE_LENGTH, parsePushClientMessage, serializePushMessage, type PushStatus } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import type { DeviceCodeRecord } from '../../store/store';
import type { CoreContext } from '../context';

/** The WebSocket path of the device status channel (outside Next.js's routes). */
export const DEVICE_EVENTS_PATH = '/oauth/device/events';

/** RFC 6455 §7.4.1: 1008 = policy violation (bad or missing subscribe message). */
const POLICY_VIOLATION = 1008;
/** 1001 = going away (the code's life is over, or the server shuts down). */
const GOING_AWAY = 1001;
/** 1013 = try again later (too many connections from this address). */
const TRY_AGAIN_LATER = 1013;

export interface DeviceChannelLimits {
  /** How long a new connection may take to send its subscribe message. */
  subscribeTimeoutMs: number;
  /** Ping interval; a connection that missed the previous pong is dropped. */
  heartbeatMs: number;
  /** Open connections allowed per client address on this instance. */
  maxConnectionsPerAddress: number;
}

export const defaultChannelLimits: DeviceChannelLimits = {
  subscribeTimeoutMs: 5_000,
  heartbeatMs: 30_000,
  maxConnectionsPerAddress: 20,
};

export interface DeviceChannel {
  /** Takes over an HTTP upgrade for `DEVICE_EVENTS_PATH`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, clientAddress: string): void;
  /** Open connections on this instance (for tests and the benchmark). */
  connectionCount(): number;
  close(): void;
}

/**
 * The device status push channel (a Pairgate extension on top of RFC 8628, never a
 * replacement): the device sends its device code in the first message — never in the URL —
 * and is told `opened`, `approved`, `denied` or `expired` for that one code. Tokens still only
 * come from the token endpoint.
 */
export function createDeviceChannel(ctx: CoreContext, limits: DeviceChannelLimits = defaultChannelLimits): DeviceChannel {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PUSH_MESSAGE_LENGTH, perMessageDeflate: false, clientTracking: true });
  const perAddress = new Map<string, number>();
  const alive = new WeakSet<WebSocket>();

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, limits.heartbeatMs);
  heartbeat.unref();

  function accept(ws: WebSocket, clientAddress: string): void {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    const cleanups: (() => void)[] = [];
    ws.once('close', () => {
      for (const cleanup of cleanups) cleanup();
      const count = (perAddress.get(clientAddress) ?? 1) - 1;
      if (count <= 0) perAddress.delete(clientAddress);
      else perAddress.set(clientAddress, count);
    });

    const subscribeTimer = setTimeout(() => ws.close(POLICY_VIOLATION, 'subscribe first'), limits.subscribeTimeoutMs);
    cleanups.push(() => clearTimeout(subscribeTimer));

    ws.once('message', (data: RawData, isBinary: boolean) => {
      clearTimeout(subscribeTimer);
      const message = isBinary ? undefined : parsePushClientMessage(rawText(data));
      if (message?.type !== 'subscribe') {
        ws.close(POLICY_VIOLATION, 'bad subscribe message');
        return;
      }
      // Any further message is a protocol violation: the channel is one-way after subscribing.
      ws.on('message', () => ws.close(POLICY_VIOLATION, 'one message only'));
      void subscribe(ws, hashSecret(message.device_code), cleanups);
    });
  }

  async function subscribe(ws: WebSocket, hash: string, cleanups: (() => void)[]): Promise<void> {
    let record: DeviceCodeRecord | undefined;
    try {
      record = await ctx.store.findDeviceCode(hash);
    } catch {
      ws.close(TRY_AGAIN_LATER, 'try again later');
      return;
    }
    const now = ctx.now();
    // Unknown, forged, used or expired codes never subscribe; they learn nothing else.
    if (!record || record.status === 'redeemed' || now >= record.expiresAt) {
      ws.close(POLICY_VIOLATION, 'unknown device code');
      return;
    }
    if (ws.readyState !== ws.OPEN) return;
    const send = (status: PushStatus) => {
      if (ws.readyState === ws.OPEN) ws.send(serializePushMessage({ type: 'status', status }));
    };
    cleanups.push(ctx.events.subscribe(hash, send));
    // Each instance tells its own subscribers about expiry; no bus message is needed for that.
    const expiry = setTimeout(() => {
      send('expired');
      ws.close(GOING_AWAY, 'expired');
    }, record.expiresAt - now);
    cleanups.push(() => clearTimeout(expiry));
    // A decision made before the device connected is told at once.
    if (record.status === 'approved' || record.status === 'denied') send(record.status);
  }

  return {
    handleUpgrade(req, socket, head, clientAddress) {
      wss.handleUpgrade(req, socket, head, (ws) => {
        // Before anything can fail: a peer may send a bad frame at any moment, even while it is
        // being refused, and an 'error' event without a listener would be thrown (issue 10).
        ws.on('error', () => ws.terminate());
        if ((perAddress.get(clientAddress) ?? 0) >= limits.maxConnectionsPerAddress) {
          ws.close(TRY_AGAIN_LATER, 'too many connections');
          return;
        }
        perAddress.set(clientAddress, (perAddress.get(clientAddress) ?? 0) + 1);
        accept(ws, clientAddress);
      });
    },
    connectionCount: () => wss.clients.size,
    close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(GOING_AWAY, 'server shutting down');
      wss.close();
    },
  };
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
