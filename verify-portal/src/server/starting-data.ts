/**
 * What the portal does with its database's data at start-up, before it serves anyone.
 *
 * The demo user's password is public (it is in the README), so the demo is seeded only when
 * asked for (`PAIRGATE_SEED_DEMO=true`: `npm start` and the tests set it), and only into an empty
 * database. A real deployment — compose with PostgreSQL included — starts empty, with one line
 * saying how to add a user and a client.
 */
import { grantDemoClientsApiAccess, seedDemo } from '../admin/demo';
import type { Store } from '../store/store';

/** The one line an empty database starts with when the demo is not asked for. */
export const EMPTY_DATABASE_HINT =
  'empty database: nobody can sign in yet. Add a user with `npm run admin -- users add --email <email> --name <name> --password <password>` ' +
  'and a client with `npm run admin -- clients add --id <client_id> --name <name>`, or start with PAIRGATE_SEED_DEMO=true to try the demo (its password is public).';

type StartingData = 'seeded-demo' | 'empty' | 'existing';

export async function prepareStartingData(
  store: Store,
  options: { seedDemo: boolean; log: { info(line: string): void; warn(line: string): void } },
): Promise<StartingData> {
  if ((await store.countUsers()) > 0) {
    // Databases seeded before the example API existed: the demo clients, if still there, may call it too.
    await grantDemoClientsApiAccess(store);
    return 'existing';
  }
  if (!options.seedDemo) {
    options.log.warn(EMPTY_DATABASE_HINT);
    return 'empty';
  }
  await seedDemo(store);
  options.log.info('empty database: seeded the demo user demo@example.com and the clients tv-kiosk and desktop-app (PAIRGATE_SEED_DEMO)');
  return 'seeded-demo';
}
