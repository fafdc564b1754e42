/**
 * Purging expired rows, the same way in both stores: a few hundred rows per statement, with the
 * event loop free between statements, so a large purge (a flood of device codes expiring
 * together) never stalls the requests being served. better-sqlite3 runs on the event loop: one
 * DELETE of 150k rows held it for ~0.8–0.9 s; a batch of 500 takes a few ms. On PostgreSQL the
 * wait is not ours, but short statements hold row locks briefly and stay far below
 * `statement_timeout`.
 */

/** Rows per DELETE statement. */
export const PURGE_BATCH_ROWS = 500;

export interface PurgeTarget {
  readonly table: string;
  /** Rows matching this are purged; `:cutoff` is replaced by each dialect's parameter. */
  readonly where: string;
  /** The cut-off is `now − graceMs` (codes: a late second redemption must still find the code and revoke what it issued), else `now`. */
  readonly grace: boolean;
}

export const PURGE_TARGETS: readonly PurgeTarget[] = [
  { table: 'device_codes', where: 'expires_at < :cutoff', grace: true },
  { table: 'authorization_codes', where: 'expires_at < :cutoff', grace: true },
  { table: 'refresh_tokens', where: 'expires_at <= :cutoff', grace: false },
  { table: 'sessions', where: 'expires_at <= :cutoff', grace: false },
  { table: 'authorization_requests', where: 'expires_at <= :cutoff', grace: false },
  { table: 'client_assertion_jtis', where: 'expires_at <= :cutoff', grace: false },
  { table: 'throttles', where: 'expires_at <= :cutoff', grace: false },
  // A window still counts as "previous" until one full window after its end. The first term
  // is implied by the second; it lets the window_end index find the candidates.
  { table: 'rate_limits', where: 'window_end <= :cutoff AND 2 * window_end - window_start <= :cutoff', grace: false },
];

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Deletes, target by target, one batch at a time (`deleteBatch` returns the rows it deleted)
 * until a batch comes back short, yielding to the event loop after every batch. Returns the
 * number of rows deleted.
 */
export async function purgeInBatches(
  now: number,
  graceMs: number,
  deleteBatch: (target: PurgeTarget, cutoff: number) => number | Promise<number>,
): Promise<number> {
  let deleted = 0;
  for (const target of PURGE_TARGETS) {
    const cutoff = target.grace ? now - graceMs : now;
    for (;;) {
      const n = await deleteBatch(target, cutoff);
      deleted += n;
      await nextTurn();
      if (n < PURGE_BATCH_ROWS) break;
    }
  }
  return deleted;
}
