/**
 * A stand-in for the push channel's WebSocket (`WebSocketLike`), for controller unit tests: it
 * records what the app sends and whether it closed, and lets a test play the server — open the
 * connection, send a message, close it with a code.
 */
import type { WebSocketFactory, WebSocketLike } from '../../src/core/push-hint';

export interface FakeSocket {
  url: string;
  sent: string[];
  closed: boolean;
  socket: WebSocketLike;
  /** The server accepts the connection (the app then sends its first message). */
  open(): void;
  /** The server sends a JSON message. */
  receive(message: unknown): void;
  /** The server (or the network) closes the connection with this code. */
  serverClose(code: number): void;
  /** The first message the app sent, parsed. */
  first(): unknown;
}

export function fakeWebSockets(): { factory: WebSocketFactory; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  const factory: WebSocketFactory = (url) => {
    const record: FakeSocket = {
      url,
      sent: [],
      closed: false,
      socket: {
        send: (data) => record.sent.push(data),
        close: () => {
          record.closed = true;
        },
        onopen: null,
        onmessage: null,
        onerror: null,
        onclose: null,
      },
      open: () => record.socket.onopen?.(),
      receive: (message) => record.socket.onmessage?.({ data: JSON.stringify(message) }),
      serverClose: (code) => {
        record.closed = true;
        record.socket.onclose?.({ code });
      },
      first: () => JSON.parse(record.sent[0] ?? 'null') as unknown,
    };
    sockets.push(record);
    return record.socket;
  };
  return { factory, sockets };
}
