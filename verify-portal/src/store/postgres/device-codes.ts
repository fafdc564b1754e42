/** Device codes (RFC 8628) in PostgreSQL. */
import type { DeviceCodeStore } from '../records/device-codes';
import { DEVICE_CODE_COLUMNS, deviceCodeParams, placeholders, toDeviceCode } from '../rows';
import { conflicts, one, rows, type PostgresDb } from './db';
import { insertGrant } from './grants';

const SQL = {
  deleteExpiredUserCode: 'DELETE FROM device_codes WHERE user_code = $1 AND expires_at <= $2',
  insertDeviceCode: `INSERT INTO device_codes (${DEVICE_CODE_COLUMNS}) VALUES (${placeholders(DEVICE_CODE_COLUMNS, 'postgres')})
    ON CONFLICT (user_code) DO NOTHING RETURNING device_code_hash`,
  deviceCodeByHash: 'SELECT * FROM device_codes WHERE device_code_hash = $1',
  deviceCodeByUserCode: 'SELECT * FROM device_codes WHERE user_code = $1 ORDER BY created_at DESC LIMIT 1',
  replacementDeviceCode: `SELECT * FROM device_codes WHERE client_id = $1 AND client_ip IS NOT DISTINCT FROM $2
    AND device_name IS NOT DISTINCT FROM $3 AND device_model IS NOT DISTINCT FROM $4
    AND created_at > $5 AND status = 'pending' AND expires_at > $6 ORDER BY created_at DESC LIMIT 1`,
  // RFC 8628 §3.5: a pending code polled sooner than `interval` seconds after the previous poll
  // gets slow_down, and the interval grows by 5 s for this and every later poll. The sub-select
  // locks the row and sees its latest committed version, so `too_fast` is computed from the
  // values this UPDATE replaces, even when polls race.
  recordPoll: `UPDATE device_codes d SET
      poll_interval = CASE WHEN o.too_fast THEN d.poll_interval + 5 ELSE d.poll_interval END,
      last_polled_at = $2
    FROM (
      SELECT device_code_hash,
             (status = 'pending' AND last_polled_at IS NOT NULL
              AND $2 - last_polled_at < poll_interval::bigint * 1000) AS too_fast
      FROM device_codes WHERE device_code_hash = $1 FOR UPDATE
    ) o
    WHERE d.device_code_hash = o.device_code_hash
    RETURNING d.*, o.too_fast`,
  decide: `UPDATE device_codes SET status = $1, user_id = $2, decided_at = $3,
      grant_id = $5, proximity = $6, proximity_policy = $7, number_matched = $8
    WHERE user_code = $4 AND status = 'pending' AND expires_at > $3 RETURNING *`,
  redeem: `UPDATE device_codes SET status = 'redeemed'
    WHERE device_code_hash = $1 AND status = 'approved' AND expires_at > $2 RETURNING *`,
  // The first draw stays: racing confirm views (and reloads) all show the same three numbers.
  // COALESCE keeps a draw already stored; the row lock makes racing draws queue and re-check.
  drawNumberMatch: `UPDATE device_codes SET match_number = COALESCE(match_number, $2), match_choices = COALESCE(match_choices, $3)
    WHERE device_code_hash = $1 AND status = 'pending' AND expires_at > $4 RETURNING *`,
  withdrawApproval: "UPDATE device_codes SET status = 'denied', decided_at = $2 WHERE grant_id = $1 AND user_id = $3 AND status = 'approved' RETURNING *",
} as const;

export function postgresDeviceCodes({ pool, tx }: PostgresDb): DeviceCodeStore {
  return {
    async insertDeviceCode(record) {
      return conflicts('device code', async () => {
        // One statement in the common case (a transaction cost four round trips: BEGIN, DELETE,
        // INSERT, COMMIT). Only when the user code is taken (rare: 20^8 codes) may an expired
        // holder give it up, and a live one makes the insert a no-op.
        if ((await rows(pool, SQL.insertDeviceCode, deviceCodeParams(record))).length === 1) return true;
        return tx(async (client) => {
          await client.query(SQL.deleteExpiredUserCode, [record.userCode, record.createdAt]);
          return (await rows(client, SQL.insertDeviceCode, deviceCodeParams(record))).length === 1;
        });
      });
    },
    async findDeviceCode(hash) {
      const row = await one(pool, SQL.deviceCodeByHash, [hash]);
      return row && toDeviceCode(row);
    },
    async findDeviceCodeByUserCode(userCode) {
      const row = await one(pool, SQL.deviceCodeByUserCode, [userCode]);
      return row && toDeviceCode(row);
    },
    async findReplacementDeviceCode(previous, now) {
      const row = await one(pool, SQL.replacementDeviceCode, [
        previous.clientId,
        previous.clientIp,
        previous.deviceName,
        previous.deviceModel,
        previous.createdAt,
        now,
      ]);
      return row && toDeviceCode(row);
    },
    async recordDevicePoll(hash, now) {
      const row = await one(pool, SQL.recordPoll, [hash, now]);
      return row && { record: toDeviceCode(row), tooFast: row.too_fast === true };
    },
    async decideDeviceCode(userCode, decision, now) {
      const approved = decision.status === 'approved' ? decision : undefined;
      const a = approved?.approval;
      const row = await one(pool, SQL.decide, [decision.status, approved?.userId ?? null, now, userCode, a?.grantId ?? null, a?.proximity ?? null, a?.policy ?? null, a?.numberMatched ?? false]);
      return row && toDeviceCode(row);
    },
    async redeemDeviceCode(hash, grant, now) {
      return conflicts('grant', () =>
        tx(async (client) => {
          const row = await one(client, SQL.redeem, [hash, now]);
          if (!row) return undefined;
          const record = toDeviceCode(row);
          if (record.approval && record.approval.grantId !== grant.id) throw new Error("redeemDeviceCode: the grant's id must be the approval's grantId");
          await insertGrant(client, grant);
          return record;
        }),
      );
    },
    async drawNumberMatch(hash, draw, now) {
      const row = await one(pool, SQL.drawNumberMatch, [hash, draw.number, JSON.stringify(draw.choices), now]);
      return row && toDeviceCode(row);
    },
    async withdrawDeviceApproval(grantId, userId, now) {
      const row = await one(pool, SQL.withdrawApproval, [grantId, now, userId]);
      return row && toDeviceCode(row);
    },
  };
}
