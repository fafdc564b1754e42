import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isOAuthError, MAX_PUSH_MESSAGE_LENGTH, parsePushClientMessage, serializePushMessage, type PushServerMessage } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import type { DeviceCodeRecord } from '../../store/store';
import type { CoreContext } from '../context';
import { signInTopic, type DeviceEvent } from '../device-events';
import { verifyAccessToken } from '../tokens/verify';

/** The WebSocket path of the device status channel (outside Next.js's routes). */
export const DEVICE_EVENTS_PATH = '/oauth/device/events';

/** RFC 6455 §7.4.1: 1000 = normal closure (the sign-in a device watched has ended). */
const NORMAL = 1000;
/** 1008 = policy violation (a bad or missing first message, an unknown code, a token that is not live). */
const POLICY_VIOLATION = 1008;
/** 1001 = going away (the code's life is over, or the server shuts down). */
const GOING_AWAY = 1001;
/** 1013 = try again later (too many connections from this address). */
const TRY_AGAIN_LATER = 1013;

export interface DeviceChannelLimits {
  /** How long a new connection may take to send its first message (subscribe or watch). */
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
 * The device push channel (a Pairgate extension on top of RFC 8628, never a replacement; the
 * protocol is in shared/src/push.ts). While pairing, the device sends its device code in the
 * first message — never in the URL — and is told `opened` (with the number to match, when the
 * phone must pick it), `approved`, `denied` or `expired` for that one code. Once signed in, it
 * sends its access token instead and is told when that sign-in ends. Tokens still only come
 * from the token endpoint.
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

    const subscribeTimer = setTimeout(() => ws.close(POLICY_VIOLATION, 'subscribe or watch first'), limits.subscribeTimeoutMs);
    cleanups.push(() => clearTimeout(subscribeTimer));

    ws.once('message', (data: RawData, isBinary: boolean) => {
      clearTimeout(subscribeTimer);
      const message = isBinary ? undefined : parsePushClientMessage(rawText(data));
      if (!message) {
        ws.close(POLICY_VIOLATION, 'bad first message');
        return;
      }
      // Any further message is a protocol violation: the channel is one-way after the first.
      ws.on('message', () => ws.close(POLICY_VIOLATION, 'one message only'));
      if (message.type === 'subscribe') void subscribe(ws, hashSecret(message.device_code), cleanups);
      else void watch(ws, message.access_token, cleanups);
    });
  }

  const sender = (ws: WebSocket) => (message: PushServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(serializePushMessage(message));
  };

  /** The number to match, read from the code (the bus carries none): after `opened`, or at once for a code already opened. */
  async function tellMatch(hash: string, send: (message: PushServerMessage) => void): Promise<void> {
    const record = await ctx.store.findDeviceCode(hash).catch(() => undefined);
    if (record?.numberMatch && record.status === 'pending') send({ type: 'match', number: record.numberMatch.number });
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
    const send = sender(ws);
    cleanups.push(
      ctx.events.subscribe(hash, (event: DeviceEvent) => {
        if (event === 'ended') return; // a sign-in's event, never a code's
        send({ type: 'status', status: event });
        if (event === 'opened') void tellMatch(hash, send);
      }),
    );
    // Each instance tells its own subscribers about expiry; no bus message is needed for that.
    const expiry = setTimeout(() => {
      send({ type: 'status', status: 'expired' });
      ws.close(GOING_AWAY, 'expired');
    }, record.expiresAt - now);
    cleanups.push(() => clearTimeout(expiry));
    // What happened before the device connected is told at once: a decision, or a phone already
    // showing the number choices (it was opened, and the screen must show the number).
    if (record.status === 'approved' || record.status === 'denied') send({ type: 'status', status: record.status });
    else if (record.numberMatch) {
      send({ type: 'status', status: 'opened' });
      send({ type: 'match', number: record.numberMatch.number });
    }
  }

  /**
   * A signed-in device watches its sign-in: the access token is verified against this server's
   * own keys (RFC 9068: signature, issuer, expiry, `typ`; its `sid` names the grant, which must be
   * live), then the device hears `session ended` the moment that grant is revoked, from any
   * instance. The watch lasts as long as the sign-in, not the token it was opened with.
   */
  async function watch(ws: WebSocket, accessToken: string, cleanups: (() => void)[]): Promise<void> {
    let grantId: string;
    try {
      grantId = (await verifyAccessToken(ctx, accessToken)).sid;
    } catch (err) {
      // Expired, foreign, forged or of an ended sign-in: refused, and told nothing more.
      ws.close(isOAuthError(err) ? POLICY_VIOLATION : TRY_AGAIN_LATER, isOAuthError(err) ? 'access token refused' : 'try again later');
      return;
    }
    if (ws.readyState !== ws.OPEN) return;
    const send = sender(ws);
    const ended = () => {
      send({ type: 'session', status: 'ended' });
      ws.close(NORMAL, 'sign-in ended');
    };
    cleanups.push(ctx.events.subscribe(signInTopic(grantId), (event) => event === 'ended' && ended()));
    // Revoked between the check and the subscription: the second look catches it.
    const grant = await ctx.store.findGrant(grantId).catch(() => undefined);
    if (grant && grant.revokedAt !== null) ended();
    // In place: from here on an end is told (the device knows its watch took).
    else send({ type: 'session', status: 'active' });
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
