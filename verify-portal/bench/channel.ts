/**
 * A device's push channel (`/oauth/device/events`), for the benchmarks: opened from a chosen
 * loopback address, subscribed to one device code in its first message, every status timed.
 */
import { WebSocket, type RawData } from 'ws';
import { parsePushStatusMessage, serializePushMessage, type PushStatus } from '@pairgate/shared';
import { now } from './phone';
import { BenchError } from './processes';

/** The portal allows this many open channels per client address (device-channel.ts). */
export const CHANNELS_PER_ADDRESS = 20;

/**
 * Client socket addresses for the channels, `CHANNELS_PER_ADDRESS` per address, from 127.0.1.1
 * on (all of 127.0.0.0/8 is loopback on Linux), so the per-address limit is never what stops us.
 * Real devices each have their own address.
 */
export function loopbackAddress(slot: number): string {
  const third = 1 + Math.floor(slot / 254);
  if (third > 254) throw new BenchError(`too many loopback addresses needed (${slot + 1})`);
  return `127.0.${third}.${1 + (slot % 254)}`;
}

export interface Channel {
  ws: WebSocket;
  /** performance.now() of the first message of each status. */
  seen: Map<PushStatus, number>;
  /** performance.now() when the handshake completed (NaN until then). */
  openedAt: number;
  createdAt: number;
  closed?: { code: number; reason: string; at: number };
  error?: string;
  /** Resolves when `status` arrives (or at once if it already has). */
  waitFor(status: PushStatus, timeoutMs: number): Promise<number>;
}

/** Opens the push channel from `localAddress` and subscribes to `deviceCode` in the first message. */
export function openChannel(url: string, deviceCode: string, localAddress: string, onStatus?: (status: PushStatus) => void): Channel {
  const waiters = new Map<PushStatus, ((at: number) => void)[]>();
  const ws = new WebSocket(url, { localAddress, perMessageDeflate: false, handshakeTimeout: 30_000 });
  const channel: Channel = {
    ws,
    seen: new Map(),
    openedAt: NaN,
    createdAt: now(),
    waitFor(status, timeoutMs) {
      const at = channel.seen.get(status);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new BenchError(`no "${status}" push message within ${timeoutMs} ms${channel.closed ? ` (channel closed ${channel.closed.code} ${channel.closed.reason})` : ''}`)), timeoutMs);
        const list = waiters.get(status) ?? [];
        list.push((t) => {
          clearTimeout(timer);
          resolve(t);
        });
        waiters.set(status, list);
      });
    },
  };
  ws.on('open', () => {
    channel.openedAt = now();
    ws.send(serializePushMessage({ type: 'subscribe', device_code: deviceCode }));
  });
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const at = now();
    const message = isBinary ? undefined : parsePushStatusMessage(data.toString());
    if (!message) return;
    if (!channel.seen.has(message.status)) channel.seen.set(message.status, at);
    onStatus?.(message.status);
    for (const resolve of waiters.get(message.status) ?? []) resolve(at);
    waiters.delete(message.status);
  });
  ws.on('error', (err) => {
    channel.error ??= err.message;
  });
  ws.on('close', (code, reason) => {
    channel.closed = { code, reason: reason.toString(), at: now() };
  });
  return channel;
}

export function closeChannel(channel: Channel, timeoutMs = 5_000): Promise<void> {
  if (channel.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      channel.ws.terminate();
      resolve();
    }, timeoutMs);
    channel.ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (channel.ws.readyState === WebSocket.CONNECTING) channel.ws.terminate();
    else channel.ws.close(1000);
  });
}
