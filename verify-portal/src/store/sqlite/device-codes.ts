/** Device codes (RFC 8628) in SQLite. */
import type { DeviceCodeRecord, DeviceCodeStore } from '../records/device-codes';
import type { GrantRecord } from '../records/grants';
import { DEVICE_CODE_COLUMNS, deviceCodeParams, placeholders, toDeviceCode, type Row } from '../rows';
import type { DeviceCodeCache } from './device-code-cache';
import { conflicts, groupCommit, type SqliteDb } from './db';
import { insertGrant } from './grants';

const SQL = {
  deleteExpiredUserCode: 'DELETE FROM device_codes WHERE user_code = ? AND expires_at <= ? RETURNING device_code_hash',
  insertDeviceCode: `INSERT INTO device_codes (${DEVICE_CODE_COLUMNS}) VALUES (${placeholders(DEVICE_CODE_COLUMNS, 'sqlite')})
    ON CONFLICT (user_code) DO NOTHING`,
  deviceCodeByHash: 'SELECT * FROM device_codes WHERE device_code_hash = ?',
  deviceCodeByUserCode: 'SELECT * FROM device_codes WHERE user_code = ? ORDER BY created_at DESC LIMIT 1',
  // `IS` compares NULLs as equal: a device that sent no name matches another that sent none.
  replacementDeviceCode: `SELECT * FROM device_codes WHERE client_id = ? AND client_ip IS ? AND device_name IS ? AND device_model IS ?
    AND created_at > ? AND status = 'pending' AND expires_at > ? ORDER BY created_at DESC LIMIT 1`,
  // RFC 8628 §3.5: a pending code polled sooner than `interval` seconds after the previous poll
  // gets slow_down, and the interval grows by 5 s for this and every later poll.
  // Only a slow_down writes: the raised interval is kept for this and every later poll.
  slowDown: 'UPDATE device_codes SET poll_interval = poll_interval + 5, last_polled_at = ? WHERE device_code_hash = ? RETURNING *',
  decide: `UPDATE device_codes SET status = @status, user_id = @userId, decided_at = @now,
      grant_id = @grantId, proximity = @proximity, proximity_policy = @policy, number_matched = @numberMatched
    WHERE user_code = @userCode AND status = 'pending' AND expires_at > @now RETURNING *`,
  redeem: `UPDATE device_codes SET status = 'redeemed'
    WHERE device_code_hash = ? AND status = 'approved' AND expires_at > ? RETURNING *`,
  // The first draw stays: racing confirm views (and reloads) all show the same three numbers.
  // COALESCE keeps a draw already stored.
  drawNumberMatch: `UPDATE device_codes SET match_number = COALESCE(match_number, ?), match_choices = COALESCE(match_choices, ?)
    WHERE device_code_hash = ? AND status = 'pending' AND expires_at > ? RETURNING *`,
  withdrawApproval: "UPDATE device_codes SET status = 'denied', decided_at = ? WHERE grant_id = ? AND user_id = ? AND status = 'approved' RETURNING *",
} as const;

/**
 * When each device code was last polled, in memory. SQLite serves one instance (several
 * instances use PostgreSQL), so this process sees every poll; writing each one to disk would
 * make every pending poll a write transaction, the largest cost of a poll by far. What a
 * restart forgets is harmless: the first poll afterwards cannot earn slow_down. Entries go
 * when `purgeExpired` runs (`forgetPollsBefore`); the interval itself is stored (RFC 8628 §3.5:
 * it holds for every later poll).
 */
export type LastPolls = Map<string, number>;

/** A poll that long ago can no longer make any interval too short. */
export function forgetPollsBefore(lastPolls: LastPolls, cutoff: number): void {
  for (const [hash, at] of lastPolls) if (at < cutoff) lastPolls.delete(hash);
}

export function sqliteDeviceCodes(q: SqliteDb, lastPolls: LastPolls, cache: DeviceCodeCache): DeviceCodeStore {
  const { db, all, get, run } = q;

  /** A row just read or written, as a record, remembered (device-code-cache.ts). */
  const remembered = (row: Row | undefined): DeviceCodeRecord | undefined => {
    if (!row) return undefined;
    const record = toDeviceCode(row);
    cache.put(record);
    return record;
  };
  /** The code by its hash: from memory, else from the table. A fresh copy either way. */
  const byHash = (hash: string): DeviceCodeRecord | undefined => cache.get(hash) ?? remembered(get(SQL.deviceCodeByHash, hash));

  // `record` is always a fresh copy (`byHash`), so it is updated in place, not copied again.
  const withLastPoll = (record: DeviceCodeRecord): DeviceCodeRecord => {
    const last = lastPolls.get(record.deviceCodeHash);
    if (last !== undefined && (record.lastPolledAt === null || record.lastPolledAt < last)) record.lastPolledAt = last;
    return record;
  };

  // Synchronous from read to write, so no other poll in this process can come in between.
  const recordPoll = (hash: string, now: number): { record: DeviceCodeRecord; tooFast: boolean } | undefined => {
    const found = byHash(hash);
    if (!found) return undefined;
    const before = withLastPoll(found);
    const tooFast = before.status === 'pending' && before.lastPolledAt !== null && now - before.lastPolledAt < before.interval * 1000;
    lastPolls.set(hash, now);
    if (!tooFast) {
      before.lastPolledAt = now;
      return { record: before, tooFast };
    }
    const after = remembered(get(SQL.slowDown, now, hash));
    return after && { record: after, tooFast };
  };

  // Only when the user code is taken (rare: 20^8 codes) may an expired holder give it up: the
  // delete and the insert again, a transaction of their own (a savepoint inside
  // `insertTogether`'s), so a failure undoes this code's statements only.
  const takeOverExpiredUserCode = db.transaction((record: DeviceCodeRecord): boolean => {
    for (const gone of all(SQL.deleteExpiredUserCode, record.userCode, record.createdAt)) cache.forget(gone.device_code_hash as string);
    return run(SQL.insertDeviceCode, ...deviceCodeParams(record)).changes === 1;
  });
  // The common case is one INSERT and needs no savepoint: SQLite undoes a failed statement by
  // itself. (A savepoint around every insert, SAVEPOINT and RELEASE, cost 6 µs of the 20 µs a
  // row took in a batch of 64.)
  const insertOne = (record: DeviceCodeRecord): boolean => run(SQL.insertDeviceCode, ...deviceCodeParams(record)).changes === 1 || takeOverExpiredUserCode(record);
  const insertTogether = groupCommit(db, (record: DeviceCodeRecord) => conflicts('device code', () => insertOne(record)));

  // Remembered only once committed (below): a grant that fails to insert rolls the redemption back.
  const redeemDeviceCodeTx = db.transaction((hash: string, grant: GrantRecord, now: number): DeviceCodeRecord | undefined => {
    const row = get(SQL.redeem, hash, now);
    if (!row) return undefined;
    const record = toDeviceCode(row);
    if (record.approval && record.approval.grantId !== grant.id) throw new Error("redeemDeviceCode: the grant's id must be the approval's grantId");
    insertGrant(q, grant);
    return record;
  });

  return {
    // Remembered once its group's transaction has committed: a device's first poll (usually
    // within seconds) then reads no row either.
    async insertDeviceCode(record) {
      const inserted = await insertTogether(record);
      if (inserted) cache.put(record);
      return inserted;
    },
    async findDeviceCode(hash) {
      const record = byHash(hash);
      return record && withLastPoll(record);
    },
    async findDeviceCodeByUserCode(userCode) {
      return remembered(get(SQL.deviceCodeByUserCode, userCode));
    },
    async findReplacementDeviceCode(previous, now) {
      return remembered(get(SQL.replacementDeviceCode, previous.clientId, previous.clientIp, previous.deviceName, previous.deviceModel, previous.createdAt, now));
    },
    async recordDevicePoll(hash, now) {
      return recordPoll(hash, now);
    },
    async decideDeviceCode(userCode, decision, now) {
      const approval = decision.status === 'approved' ? decision.approval : undefined;
      return remembered(get(SQL.decide, {
        status: decision.status,
        userId: decision.status === 'approved' ? decision.userId : null,
        now,
        userCode,
        grantId: approval?.grantId ?? null,
        proximity: approval?.proximity ?? null,
        policy: approval?.policy ?? null,
        numberMatched: approval?.numberMatched ? 1 : 0,
      }));
    },
    async redeemDeviceCode(hash, grant, now) {
      const record = conflicts('grant', () => redeemDeviceCodeTx.immediate(hash, grant, now));
      if (record) cache.put(record);
      return record;
    },
    async drawNumberMatch(hash, draw, now) {
      return remembered(get(SQL.drawNumberMatch, draw.number, JSON.stringify(draw.choices), hash, now));
    },
    async withdrawDeviceApproval(grantId, userId, now) {
      return remembered(get(SQL.withdrawApproval, now, grantId, userId));
    },
  };
}
