import type { ClientRecord, Store } from '../store/store';

export type ClientLookup = Pick<Store, 'findClient'>;

/** At most this many clients are kept; registries are small, this only bounds a flood. */
const MAX_ENTRIES = 1_000;

/**
 * Client records cached for `ttlMs`: every token request authenticates its client, and a
 * database read per poll is measurable (~8% of a pending poll). A client changed with the admin
 * command takes effect within `ttlMs`. Unknown client ids are not cached, so a flood of random
 * ids cannot push real clients out.
 */
export function cachedClients(store: ClientLookup, ttlMs: number, now: () => number): ClientLookup {
  const cache = new Map<string, { client: ClientRecord; until: number }>();
  return {
    async findClient(clientId) {
      const hit = cache.get(clientId);
      if (hit && hit.until > now()) return hit.client;
      const client = await store.findClient(clientId);
      if (cache.size >= MAX_ENTRIES) cache.clear();
      if (client) cache.set(clientId, { client, until: now() + ttlMs });
      else cache.delete(clientId);
      return client;
    },
  };
}
