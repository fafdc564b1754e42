/** Clients and their assertions' `jti`s in PostgreSQL. */
import type { ClientStore } from '../records/clients';
import { CLIENT_COLUMNS, CLIENT_UPDATES, clientParams, toClient } from '../rows';
import { one, rows, type PostgresDb } from './db';

const SQL = {
  upsertClient: `INSERT INTO clients (${CLIENT_COLUMNS}) VALUES (${CLIENT_COLUMNS.split(',').map((_, i) => `$${i + 1}`).join(', ')})
    ON CONFLICT (client_id) DO UPDATE SET ${CLIENT_UPDATES}`,
  clientById: 'SELECT * FROM clients WHERE client_id = $1',
  listClients: 'SELECT * FROM clients ORDER BY client_id',

  // RFC 7523 §3 item 7: the insert is the replay check. Racing inserts of one jti queue on the
  // key; once the first commits, the others see its live row, update nothing and return nothing.
  // A row left over from an expired assertion (not yet purged) is taken over.
  recordClientAssertion: `INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES ($1, $2, $3)
    ON CONFLICT (client_id, jti) DO UPDATE SET expires_at = excluded.expires_at
    WHERE client_assertion_jtis.expires_at <= $4 RETURNING jti`,
} as const;

export function postgresClients({ pool }: PostgresDb): ClientStore {
  return {
    async upsertClient(client) {
      await pool.query(SQL.upsertClient, clientParams(client));
    },
    async findClient(clientId) {
      const row = await one(pool, SQL.clientById, [clientId]);
      return row && toClient(row);
    },
    async listClients() {
      return (await rows(pool, SQL.listClients)).map(toClient);
    },

    async recordClientAssertion(clientId, jti, expiresAt, now) {
      return (await rows(pool, SQL.recordClientAssertion, [clientId, jti, expiresAt, now])).length === 1;
    },
  };
}
