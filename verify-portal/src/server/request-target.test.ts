import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { acceptRequestTarget, parseRequestTarget } from './request-target';

describe('the request target (RFC 9112 §3.2)', () => {
  it.each([
    ['/oauth/token', '/oauth/token', ''],
    ['/activate?user_code=BCDF-GHJK', '/activate', '?user_code=BCDF-GHJK'],
    // Dot segments resolved, so every part of the server routes on the same path.
    ['/x/../oauth/token', '/oauth/token', ''],
    ['/%2e%2e/oauth/token', '/oauth/token', ''],
    // A path with an empty first segment stays a path on this server, never another host.
    ['//evil.example/login', '//evil.example/login', ''],
    // Absolute-form must be accepted (§3.2.2): its path and query.
    ['http://portal.example/oauth/token?x=1', '/oauth/token', '?x=1'],
  ])('%s → %s', (raw, pathname, search) => {
    const target = parseRequestTarget(raw);
    expect(target?.pathname).toBe(pathname);
    expect(target?.search).toBe(search);
  });

  it.each(['*', 'oauth/token', '', 'ftp://portal.example/x', 'javascript:alert(1)', 'http://[bad'])('%j names no resource here', (raw) => {
    expect(parseRequestTarget(raw)).toBeUndefined();
  });
});

describe('a request whose target is not a path, over a real socket', () => {
  // Node's parser itself refuses a target that is neither a path nor a URL (its own 400).
  it.each([
    ['OPTIONS * HTTP/1.1', /\r\n\r\nBad request: the request target must be a path/],
    ['GET ftp://portal.example/ HTTP/1.1', /\r\n\r\nBad request: the request target must be a path/],
    ['GET oauth/token HTTP/1.1', /^/],
  ])('%s → 400, never 500', async (line, reason) => {
    const server = http.createServer((req, res) => {
      const target = acceptRequestTarget(req, res);
      if (target) res.end(`served ${req.url}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const socket = net.connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.write(`${line}\r\nHost: portal.test\r\n\r\n`);
      await new Promise((resolve) => socket.once('close', resolve));
      expect(received).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Connection: close/);
      expect(received).toMatch(reason);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an absolute-form target is served as its path', async () => {
    const server = http.createServer((req, res) => {
      if (acceptRequestTarget(req, res)) res.end(`served ${req.url}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const socket = net.connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.write('GET http://portal.test/activate?x=1 HTTP/1.1\r\nHost: portal.test\r\nConnection: close\r\n\r\n');
      await new Promise((resolve) => socket.once('close', resolve));
      expect(received).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*served \/activate\?x=1$/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
