/**
 * The push channel's socket on Node: the platform's WebSocket where there is one (Node ≥ 22),
 * else the `ws` package (Node 20 has none), adapted to the little the push channel uses.
 */
import WebSocket from 'ws';
import { defaultWebSocketFactory, type WebSocketFactory, type WebSocketLike } from '../core/push-hint';

export const nodeWebSocketFactory: WebSocketFactory =
  defaultWebSocketFactory() ??
  ((url) => {
    const socket = new WebSocket(url);
    const like: WebSocketLike = {
      send: (data) => socket.send(data),
      close: () => socket.close(),
      onopen: null,
      onmessage: null,
      onerror: null,
      onclose: null,
    };
    socket.on('open', () => like.onopen?.());
    socket.on('message', (data, isBinary) => like.onmessage?.({ data: isBinary ? data : data.toString() }));
    // An 'error' with no listener would throw; the hint only ever falls back to polling.
    socket.on('error', () => like.onerror?.());
    socket.on('close', (code) => like.onclose?.({ code }));
    return like;
  });
