/** The database as a whole: its schema, whether it can serve, purging what expired, closing. */

/** What `checkReady` found: ready, or why not (a short sentence for operators; no secrets). */
export type Readiness = { ready: true } | { ready: false; reason: string };

export interface DatabaseStore {
  readonly kind: 'sqlite' | 'postgres';

  /** Runs pending versioned migrations; returns the schema version now in force. */
  migrate(): Promise<number>;
  /**
   * Whether this instance can serve: the database answers, every migration this build knows is
   * applied, and a real write succeeds (one upsert of the one-row `readiness` table). Never
   * throws: any failure is `{ ready: false, reason }`. For `GET /readyz`.
   */
  checkReady(): Promise<Readiness>;
  close(): Promise<void>;

  /**
   * Deletes device codes and authorization codes expired more than `graceMs` ago (a late
   * second redemption still finds the code and revokes its tokens), refresh tokens, sessions and
   * pending authorization requests, client-assertion `jti`s and throttles past their expiry,
   * and rate-limit windows too old to count. In batches of a few hundred rows with the event loop
   * free between them (see purge.ts), so it may run while requests are served; returns the
   * number of rows deleted.
   */
  purgeExpired(now: number, graceMs: number): Promise<number>;
}
