/**
 * The device status push channel, client side: a hint, never a source of tokens. The device
 * sends its device code in the first message (never in the URL: URLs end up in logs), and the
 * server says `opened`, `approved`, `denied` or `expired` for that code. On `approved`/`denied`
 * the controller asks `DeviceFlow` to poll at once instead of at the next interval; the token
 * endpoint still decides (RFC 8628 §3.4–3.5). Any failure just leaves polling to do the work.
 */
import { parsePushStatusMessage, serializePushMessage, type PushStatus } from '@pairgate/shared';

/** The part of the WHATWG WebSocket the hint uses (browsers, Electron main, Node ≥ 22). */
export interface WebSocketLike {
  send(data: string): void;
  close(): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: (() => void) | null;
  onclose: (() => void) | null;
}

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
export function watchDeviceStatus(create: WebSocketFactory, url: string, deviceCode: string, onStatus: (status: PushStatus) => void): () => void {
  let socket: WebSocketLike;
  try {
    socket = create(url);
  } catch {
    return () => undefined;
  }
  let closed = false;
  socket.onopen = () => socket.send(serializePushMessage({ type: 'subscribe', device_code: deviceCode }));
  socket.onmessage = (event) => {
    const message = typeof event.data === 'string' ? parsePushStatusMessage(event.data) : undefined;
    if (message && !closed) onStatus(message.status);
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
