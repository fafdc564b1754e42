import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider } from '../../oauth/provider';
import { openSqliteStore } from '../../store/sqlite';
import type { Store } from '../../store/store';
import { STORE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../store/unavailable';
import { portalDefaults } from '../defaults';
import { cookieNames, createSession, csrfToken } from '../session';
import { preparePortalRequest, serveForm } from './serve';

/**
 * A portal form while the database cannot be written: the person gets a "back in a moment" page
 * with 503 and Retry-After, never a 500. A real read-only SQLite database (tests run as root,
 * for whom chmod changes nothing; a read-only open is what SQLite falls back to on a
 * write-protected file), the real form handler, real HTTP.
 */
describe('a portal form POST while the store is unavailable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pairgate-serve-'));
  const file = join(dir, 'pairgate.db');
  const now = Date.now();
  let writer: Store;
  let keepWal: Database.Database;
  let readOnly: Store;
  let server: http.Server;
  let port: number;
  let session: string;
  const unexpected: unknown[] = [];

  beforeAll(async () => {
    writer = openSqliteStore(file);
    await writer.migrate();
    // No scrypt here: the hash is never checked.
    await writer.createUser({ id: 'u1', email: 'ada@example.com', name: 'Ada', passwordHash: 'unused', createdAt: now });
    session = (await createSession(writer, 'u1', now, portalDefaults.sessionTtlMs)).secret;
    // Keeps the WAL files in place, as the server's own connection does when its disk turns read-only.
    keepWal = new Database(file);
    readOnly = openSqliteStore(file, { readonly: true, log: () => {} });
    const provider = createProvider({ store: readOnly, issuer: 'http://portal.test', onUnexpectedError: () => {} });
    server = http.createServer((req, res) => {
      const prepared = preparePortalRequest(req, res, { https: false, dev: false, trustProxy: false });
      void serveForm({ store: readOnly, provider, secure: false }, req, res, prepared, (err) => unexpected.push(err));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await readOnly.close();
    keepWal.close();
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('POST /activate (a code to enter, which must be written down): 503, Retry-After, a page to act on', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${cookieNames(false).session}=${session}` },
      body: new URLSearchParams({ csrf: csrfToken(session, 'session'), user_code: 'BCDF-GHJK' }),
      redirect: 'manual',
    });
    const html = await response.text();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe(String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS));
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('data-status="unavailable"');
    expect(html).toContain('Please try again in a few seconds.');
    expect(html).not.toMatch(/SQLITE| {4}at |\.ts:/);
    expect(unexpected.length).toBeGreaterThan(0);
  });
});
