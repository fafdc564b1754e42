/** Device codes (RFC 8628) in SQLite. */
import type { DeviceCodeRecord, DeviceCodeStore } from '../records/device-codes';
import type { GrantRecord } from '../records/grants';
import { DEVICE_CODE_COLUMNS, deviceCodeParams, placeholders, toDeviceCode } from '../rows';
import { conflicts, groupCommit, type SqliteDb } from './db';
import { insertGrant } from './grants';

const SQL = {
  deleteExpiredUserCode: 'DELETE FROM device_codes WHERE user_code = ? AND expires_at <= ?',
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

export function sqliteDeviceCodes(q: SqliteDb, lastPolls: LastPolls): DeviceCodeStore {
  const { db, get, run } = q;

  // `record` is always fresh from `toDeviceCode`, so it is updated in place, not copied (a poll's largest allocation).
  const withLastPoll = (record: DeviceCodeRecord): DeviceCodeRecord => {
    const last = lastPolls.get(record.deviceCodeHash);
    if (last !== undefined && (record.lastPolledAt === null || record.lastPolledAt < last)) record.lastPolledAt = last;
    return record;
  };

  // Synchronous from read to write, so no other poll in this process can come in between.
  const recordPoll = (hash: string, now: number): { record: DeviceCodeRecord; tooFast: boolean } | undefined => {
    const row = get(SQL.deviceCodeByHash, hash);
    if (!row) return undefined;
    const before = withLastPoll(toDeviceCode(row));
    const tooFast = before.status === 'pending' && before.lastPolledAt !== null && now - before.lastPolledAt < before.interval * 1000;
    lastPolls.set(hash, now);
    if (!tooFast) {
      before.lastPolledAt = now;
      return { record: before, tooFast };
    }
    const after = get(SQL.slowDown, now, hash);
    return after && { record: toDeviceCode(after), tooFast };
  };

  // One INSERT in the common case. Only when the user code is taken (rare: 20^8 codes) may an
  // expired holder give it up: the delete and the insert again. A transaction of its own (a
  // savepoint inside `insertTogether`'s), so a failure undoes this code's statements only.
  const insertOne = db.transaction((record: DeviceCodeRecord): boolean => {
    if (run(SQL.insertDeviceCode, ...deviceCodeParams(record)).changes === 1) return true;
    run(SQL.deleteExpiredUserCode, record.userCode, record.createdAt);
    return run(SQL.insertDeviceCode, ...deviceCodeParams(record)).changes === 1;
  });
  const insertTogether = groupCommit(db, (record: DeviceCodeRecord) => conflicts('device code', () => insertOne(record)));

  const redeemDeviceCodeTx = db.transaction((hash: string, grant: GrantRecord, now: number): DeviceCodeRecord | undefined => {
    const row = get(SQL.redeem, hash, now);
    if (!row) return undefined;
    const record = toDeviceCode(row);
    if (record.approval && record.approval.grantId !== grant.id) throw new Error("redeemDeviceCode: the grant's id must be the approval's grantId");
    insertGrant(q, grant);
    return record;
  });

  return {
    async insertDeviceCode(record) {
      return insertTogether(record);
    },
    async findDeviceCode(hash) {
      const row = get(SQL.deviceCodeByHash, hash);
      return row && withLastPoll(toDeviceCode(row));
    },
    async findDeviceCodeByUserCode(userCode) {
      const row = get(SQL.deviceCodeByUserCode, userCode);
      return row && toDeviceCode(row);
    },
    async findReplacementDeviceCode(previous, now) {
      const row = get(SQL.replacementDeviceCode, previous.clientId, previous.clientIp, previous.deviceName, previous.deviceModel, previous.createdAt, now);
      return row && toDeviceCode(row);
    },
    async recordDevicePoll(hash, now) {
      return recordPoll(hash, now);
    },
    async decideDeviceCode(userCode, decision, now) {
      const approval = decision.status === 'approved' ? decision.approval : undefined;
      const row = get(SQL.decide, {
        status: decision.status,
        userId: decision.status === 'approved' ? decision.userId : null,
        now,
        userCode,
        grantId: approval?.grantId ?? null,
        proximity: approval?.proximity ?? null,
        policy: approval?.policy ?? null,
        numberMatched: approval?.numberMatched ? 1 : 0,
      });
      return row && toDeviceCode(row);
    },
    async redeemDeviceCode(hash, grant, now) {
      return conflicts('grant', () => redeemDeviceCodeTx.immediate(hash, grant, now));
    },
    async drawNumberMatch(hash, draw, now) {
      const row = get(SQL.drawNumberMatch, draw.number, JSON.stringify(draw.choices), hash, now);
      return row && toDeviceCode(row);
    },
    async withdrawDeviceApproval(grantId, userId, now) {
      const row = get(SQL.withdrawApproval, now, grantId, userId);
      return row && toDeviceCode(row);
    },
  };
}
