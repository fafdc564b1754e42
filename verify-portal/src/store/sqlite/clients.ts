/** Clients and their assertions' `jti`s in SQLite. */
import type { ClientStore } from '../records/clients';
import { CLIENT_COLUMNS, CLIENT_UPDATES, clientParams, toClient } from '../rows';
import type { SqliteDb } from './db';

const SQL = {
  upsertClient: `INSERT INTO clients (${CLIENT_COLUMNS}) VALUES (${CLIENT_COLUMNS.split(',').map(() => '?').join(', ')})
    ON CONFLICT (client_id) DO UPDATE SET ${CLIENT_UPDATES}`,
  clientById: 'SELECT * FROM clients WHERE client_id = ?',
  listClients: 'SELECT * FROM clients ORDER BY client_id',

  // RFC 7523 §3 item 7: the insert is the replay check. A row left over from an expired
  // assertion (not yet purged) is taken over; a live one makes this return nothing.
  recordClientAssertion: `INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES (?, ?, ?)
    ON CONFLICT (client_id, jti) DO UPDATE SET expires_at = excluded.expires_at
    WHERE client_assertion_jtis.expires_at <= ? RETURNING jti`,
} as const;

export function sqliteClients({ get, all, run }: SqliteDb): ClientStore {
  return {
    async upsertClient(client) {
      // STRICT tables hold booleans as 0/1.
      run(SQL.upsertClient, ...clientParams(client).map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
    },
    async findClient(clientId) {
      const row = get(SQL.clientById, clientId);
      return row && toClient(row);
    },
    async listClients() {
      return all(SQL.listClients).map(toClient);
    },

    async recordClientAssertion(clientId, jti, expiresAt, now) {
      return get(SQL.recordClientAssertion, clientId, jti, expiresAt, now) !== undefined;
    },
  };
}
