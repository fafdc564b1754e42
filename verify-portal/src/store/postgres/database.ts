/** The PostgreSQL database as a whole: migrations, readiness, purging, closing. */
import { errorText } from '../faults';
import { checkMigrations, schemaNotReady } from '../migrations/migration';
import { postgresMigrations } from '../migrations/postgres/index';
import { PURGE_BATCH_ROWS, purgeInBatches } from '../purge';
import type { DatabaseStore } from '../records/database';
import { num } from '../rows';
import { one, type PostgresDb } from './db';

/** pg_advisory_xact_lock key serialising migrate() across instances: 'pairgate' as a 64-bit integer. */
const MIGRATION_LOCK_KEY = '8097869545070490725';

const SQL = {
  touchReadiness: 'INSERT INTO readiness (id, checked_at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at',
} as const;

export function postgresDatabase({ pool, tx }: PostgresDb): DatabaseStore {
  let closed = false;
  return {
    kind: 'postgres',

    async migrate() {
      checkMigrations(postgresMigrations);
      const latest = postgresMigrations.at(-1)?.version ?? 0;
      return tx(async (client) => {
        // A migration may rewrite a large table: the per-statement bound is for requests.
        await client.query('SET LOCAL statement_timeout = 0');
        // Two instances starting at once: the second waits here, then finds nothing to do.
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version    INTEGER PRIMARY KEY,
          name       TEXT    NOT NULL,
          applied_at BIGINT  NOT NULL
        )`);
        const current = num((await one(client, 'SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations'))?.v);
        if (current > latest) {
          throw new Error(`database schema version ${current} is newer than this build knows (${latest})`);
        }
        let version = current;
        for (const m of postgresMigrations) {
          if (m.version <= current) continue;
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            Date.now(),
          ]);
          version = m.version;
        }
        return version;
      });
    },

    async checkReady() {
      try {
        // to_regclass: NULL (not an error) when the table does not exist yet.
        const migrated = (await one(pool, "SELECT to_regclass('schema_migrations') IS NOT NULL AS m"))?.m === true;
        const version = migrated ? num((await one(pool, 'SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations'))?.v) : 0;
        const behind = schemaNotReady(version, postgresMigrations.at(-1)?.version ?? 0);
        if (behind) return { ready: false, reason: behind };
        // A real write: a standby, a read-only default or a full disk still answers reads.
        await pool.query(SQL.touchReadiness, [Date.now()]);
        return { ready: true };
      } catch (err) {
        return { ready: false, reason: `database unavailable: ${errorText(err)}` };
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },

    async purgeExpired(now, graceMs) {
      // ctid batches (a TID scan with `= ANY(ARRAY(…))`): short statements, short row locks (see purge.ts).
      return purgeInBatches(now, graceMs, async (target, cutoff) => {
        const sql = `DELETE FROM ${target.table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${target.table} WHERE ${target.where.replaceAll(':cutoff', '$1')} LIMIT ${PURGE_BATCH_ROWS}))`;
        return (await pool.query(sql, [cutoff])).rowCount ?? 0;
      });
    },
  };
}
