/**
 * The device status push channel, client side, while pairing: a hint, never a source of tokens
 * (the protocol is in `shared/src/push.ts`). The device sends its device code in the first
 * message (never in the URL: URLs end up in logs), and the server says `opened`, `approved`,
 * `denied` or `expired` for that code, and `match` with the number to show when the phone is
 * asked for number matching. On `approved`/`denied` the controller asks `DeviceFlow` to poll at
 * once instead of at the next interval; the token endpoint still decides (RFC 8628 §3.4–3.5).
 * Any failure just leaves polling to do the work. (Once signed in: `sign-in-watch.ts`.)
 */
import { parsePushServerMessage, serializePushMessage, type PushMatchMessage, type PushStatusMessage } from '@pairgate/shared';

/** The part of the WHATWG WebSocket the channel uses (browsers, Electron main, Node ≥ 22). */
export interface WebSocketLike {
  send(data: string): void;
  close(): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: (() => void) | null;
  /** RFC 6455 §7.1.5: the close code (1006 when the connection dropped without one). */
  onclose: ((event: { code: number }) => void) | null;
}

/** What a device hears about its code while pairing (other messages are ignored, as the protocol asks). */
export type PairingPushMessage = PushStatusMessage | PushMatchMessage;

export type WebSocketFactory = (url: string) => WebSocketLike;

/** The platform's WebSocket, when it has one (Node 20 does not). */
export function defaultWebSocketFactory(): WebSocketFactory | undefined {
  const WebSocketClass = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
  return WebSocketClass ? (url) => new WebSocketClass(url) : undefined;
}

/**
 * Where the server's push channel is, from its discovery metadata. A Pairgate extension: a server
 * that does not advertise one gets polling only, as RFC 8628 describes.
 */
export const PUSH_METADATA_FIELD = 'pairgate_device_events_endpoint';

export function pushEndpoint(metadata: Record<string, unknown>): string | undefined {
  const value = metadata[PUSH_METADATA_FIELD];
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'wss:' || url.protocol === 'ws:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Subscribes to one device code's status; returns the function that closes the channel. */
export function watchDeviceStatus(create: WebSocketFactory, url: string, deviceCode: string, onMessage: (message: PairingPushMessage) => void): () => void {
  let socket: WebSocketLike;
  try {
    socket = create(url);
  } catch {
    return () => undefined;
  }
  let closed = false;
  socket.onopen = () => socket.send(serializePushMessage({ type: 'subscribe', device_code: deviceCode }));
  socket.onmessage = (event) => {
    const message = typeof event.data === 'string' ? parsePushServerMessage(event.data) : undefined;
    if (!message || closed || message.type === 'session') return;
    onMessage(message);
  };
  // Errors and closes need nothing: polling carries on by itself.
  socket.onerror = null;
  socket.onclose = null;
  return () => {
    closed = true;
    try {
      socket.close();
    } catch {
      // already closed
    }
  };
}
