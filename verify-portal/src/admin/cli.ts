import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { grantTypes, parseScope } from '@pairgate/shared';
import { hashSecret } from '../crypto/hash';
import { hashPassword } from '../crypto/password';
import { ConfigError, readEnv } from '../env';
import { createKeyRing } from '../oauth/tokens/keys';
import { openStore } from '../store';
import { StoreConflictError, type ClientAuthMethod, type Store } from '../store/store';
import { defaults } from '../defaults';
import { seedDemo } from './demo';

const usage = `Pairgate admin — works on the database the portal uses (DATABASE_URL, else the SQLite file).

  npm run admin -- users add --email <email> --name <name> --password <password>
  npm run admin -- clients add --id <client_id> --name <name> [--type public|confidential]
                               [--grant-types <a,b>] [--redirect-uri <uri>]... [--scopes "<s1 s2>"] [--third-party]
  npm run admin -- clients list
  npm run admin -- keys rotate
  npm run admin -- seed-demo`;

/** Exit code 2: usage or configuration error (so scripts can tell it from a failure). */
class UsageError extends Error {}

async function run(argv: string[]): Promise<void> {
  const [group, action, ...rest] = argv;
  const env = readEnv();
  const store = openStore(env.databaseUrl, env.sqliteFile);
  try {
    await store.migrate();
    switch (`${group} ${action ?? ''}`.trim()) {
      case 'users add':
        return await addUser(store, rest);
      case 'clients add':
        return await addClient(store, rest);
      case 'clients list':
        for (const c of await store.listClients()) console.log(`${c.clientId}\t${c.type}\t${c.grantTypes.join(',')}\t${c.name}`);
        return;
      case 'keys rotate': {
        const kid = await createKeyRing(store, defaults.keyCacheSeconds).rotate();
        console.log(`New signing key ${kid} is current; the previous one stays published until the next rotation.`);
        return;
      }
      case 'seed-demo':
        await seedDemo(store);
        console.log('Demo data seeded: demo@example.com / pairgate-demo, clients tv-kiosk and desktop-app.');
        return;
      default:
        throw new UsageError(usage);
    }
  } finally {
    await store.close();
  }
}

async function addUser(store: Store, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } } });
  if (!values.email || !values.name || !values.password) throw new UsageError('users add needs --email, --name and --password.');
  if (!/^[^@\s]+@[^@\s]+$/.test(values.email)) throw new UsageError(`"${values.email}" is not an email address.`);
  if (values.password.length < 8) throw new UsageError('The password must be at least 8 characters.');
  try {
    await store.createUser({
      id: crypto.randomUUID(),
      email: values.email.toLowerCase(),
      name: values.name,
      passwordHash: await hashPassword(values.password),
      createdAt: Date.now(),
    });
  } catch (err) {
    if (err instanceof StoreConflictError) throw new UsageError(`A user with the email ${values.email} already exists.`);
    throw err;
  }
  console.log(`User ${values.email} added.`);
}

async function addClient(store: Store, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      type: { type: 'string', default: 'public' },
      'grant-types': { type: 'string', default: 'urn:ietf:params:oauth:grant-type:device_code,refresh_token' },
      'redirect-uri': { type: 'string', multiple: true, default: [] },
      scopes: { type: 'string', default: 'openid profile email offline_access' },
      'third-party': { type: 'boolean', default: false },
    },
  });
  if (!values.id || !values.name) throw new UsageError('clients add needs --id and --name.');
  if (values.type !== 'public' && values.type !== 'confidential') throw new UsageError('--type must be public or confidential.');
  const grants = values['grant-types'].split(',').map((g) => g.trim()).filter(Boolean);
  const unknown = grants.filter((g) => !(grantTypes as readonly string[]).includes(g));
  if (unknown.length > 0) throw new UsageError(`Unknown grant types: ${unknown.join(', ')}. Known: ${grantTypes.join(', ')}.`);
  const scopes = parseScope(values.scopes);
  if (!scopes) throw new UsageError('--scopes must be a space-separated list of scope names.');
  for (const uri of values['redirect-uri']) {
    if (!URL.canParse(uri) || new URL(uri).hash) throw new UsageError(`Redirect URI "${uri}" must be an absolute URL without a fragment.`);
  }
  const secret = values.type === 'confidential' ? randomBytes(32).toString('base64url') : undefined;
  const method: ClientAuthMethod = secret ? 'client_secret_basic' : 'none';
  await store.upsertClient({
    clientId: values.id,
    name: values.name,
    type: values.type,
    tokenEndpointAuthMethod: method,
    secretHash: secret ? hashSecret(secret) : null,
    grantTypes: grants,
    redirectUris: values['redirect-uri'],
    scopes,
    firstParty: !values['third-party'],
    createdAt: Date.now(),
  });
  console.log(`Client ${values.id} saved (${values.type}, ${method}).`);
  // Shown once, here only: the store keeps a hash.
  if (secret) console.log(`Client secret (shown only now; store it safely): ${secret}`);
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(`Admin command failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
