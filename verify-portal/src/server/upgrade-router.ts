/**
 * HTTP upgrades (RFC 9110 §7.8): the device status channel is the only WebSocket here. No
 * socket path may throw past its handler: an upgraded socket has lost the http server's own
 * 'error' listener, so one is attached before anything else can fail, and every refusal
 * answers and closes without writing to a socket that is already gone.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { clientAddressOf } from '../oauth/http/node-adapter';
import { DEVICE_EVENTS_PATH, type DeviceChannel } from '../oauth/push/device-channel';
import { parseRequestTarget } from './request-target';

export interface UpgradeRouterOptions {
  deviceChannel: Pick<DeviceChannel, 'handleUpgrade'>;
  trustProxy: boolean;
  /** Next.js dev mode serves its own upgrade (HMR at /_next/…) from its own listener. */
  dev: boolean;
  /** True once a shutdown has begun. */
  draining(): boolean;
}

export function createUpgradeRouter(options: UpgradeRouterOptions): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const pathname = parseRequestTarget(req.url)?.pathname;
    if (options.dev && pathname?.startsWith('/_next/')) return;
    if (pathname !== DEVICE_EVENTS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (options.draining()) return refuseUpgrade(socket, 503, 'Service Unavailable');
    options.deviceChannel.handleUpgrade(req, socket, head, clientAddressOf(req, options.trustProxy));
  };
}

/** Answers an upgrade nobody serves with a plain HTTP status, then closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}
