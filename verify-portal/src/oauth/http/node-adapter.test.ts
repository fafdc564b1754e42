import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';

// Counts the address normalisations (the real function, observed).
const normalizeAddress = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../net/address', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../net/address')>();
  return {
    ...real,
    normalizeAddress: (address: string) => {
      normalizeAddress.calls++;
      return real.normalizeAddress(address);
    },
  };
});

const { clientAddressOf } = await import('./node-adapter');

function request(socket: Socket, headers: Record<string, string> = {}): IncomingMessage {
  return { socket, headers } as unknown as IncomingMessage;
}

function socketFrom(address: string): Socket {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: address });
  return socket;
}

describe('clientAddressOf', () => {
  it('works out a connection’s address once, however many requests it carries', () => {
    const socket = socketFrom('::ffff:192.0.2.7');
    normalizeAddress.calls = 0;
    for (let i = 0; i < 5; i++) expect(clientAddressOf(request(socket), false)).toBe('192.0.2.7');
    expect(normalizeAddress.calls).toBe(1);
    expect(clientAddressOf(request(socketFrom('::1')), false)).toBe('::1');
  });

  it('takes the first X-Forwarded-For hop only behind a trusted proxy, on every request', () => {
    const socket = socketFrom('10.0.0.2');
    expect(clientAddressOf(request(socket, { 'x-forwarded-for': '[2001:db8::1], 10.0.0.1' }), true)).toBe('2001:db8::1');
    expect(clientAddressOf(request(socket, { 'x-forwarded-for': '198.51.100.4' }), true)).toBe('198.51.100.4');
    expect(clientAddressOf(request(socket, { 'x-forwarded-for': '198.51.100.4' }), false)).toBe('10.0.0.2');
  });
});
