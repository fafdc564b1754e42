import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approve, deviceCode, grantOfDevice, T0 } from '../contract/fixtures';
import type { DeviceCodeStore } from '../records/device-codes';
import { deviceCodeCache } from './device-code-cache';
import { sqliteDb } from './db';
import { sqliteDeviceCodes } from './device-codes';
import { openSqliteStore } from './index';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('SQLite device codes remembered in memory', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  let codes: DeviceCodeStore;
  let reads: number;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pairgate-dc-cache-'));
    file = join(dir, 'p.db');
    const migrated = openSqliteStore(file);
    await migrated.migrate();
    await migrated.close();
    db = new Database(file);
    const q = sqliteDb(db);
    reads = 0;
    // Counts the statements that read a row (the cache's own data_version check is not one of them).
    const counted = { ...q, get: (sql: string, ...params: unknown[]) => (reads++, q.get(sql, ...params)) };
    codes = sqliteDeviceCodes(counted, new Map(), deviceCodeCache(db, 1_000));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a new code’s polls from memory: the insert is remembered, no read of the table', async () => {
    const d = deviceCode({ interval: 0 });
    expect(await codes.insertDeviceCode(d)).toBe(true);
    for (let i = 0; i < 5; i++) {
      const polled = await codes.recordDevicePoll(d.deviceCodeHash, T0 + i);
      expect(polled).toMatchObject({ tooFast: false, record: { status: 'pending', lastPolledAt: T0 + i } });
      await nextTurn();
    }
    expect(reads).toBe(0);
  });

  it('remembers an inserted code exactly as the table holds it', async () => {
    const d = deviceCode();
    await codes.insertDeviceCode(d);
    const remembered = await codes.findDeviceCode(d.deviceCodeHash);
    // Another connection's commit empties the cache: the next find reads the row.
    const other = new Database(file);
    other.prepare('INSERT INTO readiness (id, checked_at) VALUES (1, 0)').run();
    other.close();
    await nextTurn();
    expect(remembered).toEqual(await codes.findDeviceCode(d.deviceCodeHash));
    expect(reads).toBe(1);
  });

  it('does not remember a code whose insert failed', async () => {
    const d = deviceCode();
    await codes.insertDeviceCode(d);
    const taken = deviceCode({ deviceCodeHash: 'another-hash', userCode: d.userCode });
    expect(await codes.insertDeviceCode(taken)).toBe(false);
    expect(await codes.findDeviceCode('another-hash')).toBeUndefined();
  });

  it('sees another connection’s change at once, even in the turn the code was remembered in', async () => {
    const d = deviceCode();
    // The insert is remembered in the group commit's setImmediate callback: a look at the
    // database made there must not vouch for the memory after another connection's commit.
    await codes.insertDeviceCode(d);
    const other = new Database(file);
    other.prepare("UPDATE device_codes SET status = 'denied' WHERE device_code_hash = ?").run(d.deviceCodeHash);
    expect((await codes.findDeviceCode(d.deviceCodeHash))?.status).toBe('denied');
    other.prepare('UPDATE device_codes SET expires_at = ? WHERE device_code_hash = ?').run(T0 - 1, d.deviceCodeHash);
    other.close();
    expect((await codes.findDeviceCode(d.deviceCodeHash))?.expiresAt).toBe(T0 - 1);
  });

  it('remembers a redemption only once it is committed', async () => {
    const d = deviceCode();
    await codes.insertDeviceCode(d);
    const decision = approve('u-1');
    await codes.decideDeviceCode(d.userCode, decision, T0 + 1);
    const g = grantOfDevice(decision, d);
    // The grant's id is taken already: the redemption rolls back, and the code stays approved.
    db.prepare('INSERT INTO grants (id, user_id, client_id, scope, auth_time, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(g.id, 'u-2', 'tv', 'openid', T0, T0);
    await expect(codes.redeemDeviceCode(d.deviceCodeHash, g, T0 + 2)).rejects.toThrow();
    expect((await codes.findDeviceCode(d.deviceCodeHash))?.status).toBe('approved');
  });

  it('hands out copies: a caller changing a record changes nothing remembered', async () => {
    const d = deviceCode();
    await codes.insertDeviceCode(d);
    const first = await codes.findDeviceCode(d.deviceCodeHash);
    if (first) first.status = 'denied';
    expect((await codes.findDeviceCode(d.deviceCodeHash))?.status).toBe('pending');
  });
});
