import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { GrantType, grantTypes, parseScope } from '@pairgate/shared';
import type { JSONWebKeySet } from 'jose';
import { hashSecret } from '../crypto/hash';
import { hashPassword } from '../crypto/password';
import { ConfigError, readEnv } from '../env';
import { checkClientJwks } from '../oauth/client-assertion';
import { clientAuthMethods } from '../oauth/client-auth';
import { supportedResponseTypes } from '../oauth/response-types';
import { createKeyRing } from '../oauth/tokens/keys';
import { openStore } from '../store';
import { StoreConflictError, type ClientAuthMethod, type Store } from '../store/store';
import { defaults } from '../defaults';
import { ClientPolicyError, clientPolicyOptions, describeClientPolicy, parseClientPolicy } from './client-policy';
import { seedDemo } from './demo';

const usage = `Pairgate admin — works on the database the portal uses (DATABASE_URL, else the SQLite file).

  npm run admin -- users add --email <email> --name <name> --password <password>
  npm run admin -- clients add --id <client_id> --name <name> [--type public|confidential]
                               [--auth-method client_secret_basic|client_secret_post|private_key_jwt|none]
                               [--jwks <file>] [--grant-types <a,b>] [--redirect-uri <uri>]...
                               [--scopes "<s1 s2>"] [--audience <api>]... [--response-types "<a>,<b c>"]
                               [--require-pkce] [--third-party] [policy…]
  npm run admin -- clients set --id <client_id> policy…
      policy: [--proximity off|warn|step-up|deny] [--allowed-networks <cidr,cidr>]
              [--code-ttl <60–1800 s>|default] [--user-code letters|digits]
              [--remote-scopes "<s1 s2>"|all] [--remote-refresh-ttl <s>|none]
              (what each does: README, "Keeping the device flow safe")
  npm run admin -- clients list
  npm run admin -- keys rotate
  npm run admin -- keys reencrypt      (after changing PAIRGATE_KEY_ENCRYPTION_KEY; see README, "Deploying")
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
      case 'clients set':
        return await setClientPolicy(store, rest);
      case 'clients list': {
        const clients = await store.listClients();
        if (clients.length === 0) console.log('No clients yet. `npm run admin -- seed-demo` adds the demo ones; `clients add` registers yours.');
        for (const c of clients) {
          console.log([c.clientId, c.type, c.tokenEndpointAuthMethod, c.grantTypes.join(','), c.allowedAudiences.join(' ') || '-', c.name, describeClientPolicy(c)].join('\t'));
        }
        return;
      }
      case 'keys rotate': {
        const kid = await createKeyRing(store, defaults.keyCacheSeconds, Date.now, env.keyEncryption).rotate();
        const sealed = env.keyEncryption.current ? 'encrypted with PAIRGATE_KEY_ENCRYPTION_KEY' : 'unencrypted: PAIRGATE_KEY_ENCRYPTION_KEY is not set';
        console.log(`New signing key ${kid} is current (${sealed}); the previous one stays published until the next rotation.`);
        return;
      }
      case 'keys reencrypt': {
        const changed = await createKeyRing(store, defaults.keyCacheSeconds, Date.now, env.keyEncryption).reencrypt();
        console.log(`${changed} signing key(s) re-encrypted; every key is now encrypted with PAIRGATE_KEY_ENCRYPTION_KEY, so PAIRGATE_KEY_ENCRYPTION_KEYS_OLD can be removed.`);
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
      'auth-method': { type: 'string' },
      jwks: { type: 'string' },
      'grant-types': { type: 'string', default: 'urn:ietf:params:oauth:grant-type:device_code,refresh_token' },
      'redirect-uri': { type: 'string', multiple: true, default: [] },
      scopes: { type: 'string', default: 'openid profile email offline_access' },
      audience: { type: 'string', multiple: true, default: [] },
      'response-types': { type: 'string' },
      'require-pkce': { type: 'boolean', default: false },
      'third-party': { type: 'boolean', default: false },
      ...clientPolicyOptions,
    },
  });
  if (!values.id || !values.name) throw new UsageError('clients add needs --id and --name.');
  if (values.type !== 'public' && values.type !== 'confidential') throw new UsageError('--type must be public or confidential.');
  const type = values.type;

  // RFC 6749 §2.3: a confidential client authenticates with the one method it registers;
  // a public client has none.
  const method = (values['auth-method'] ?? (type === 'confidential' ? 'client_secret_basic' : 'none')) as ClientAuthMethod;
  if (!(clientAuthMethods as readonly string[]).includes(method)) throw new UsageError(`--auth-method must be one of ${clientAuthMethods.join(', ')}.`);
  if ((type === 'public') !== (method === 'none')) throw new UsageError('A public client uses --auth-method none; a confidential client any other method.');
  let jwks: JSONWebKeySet | null = null;
  if (method === 'private_key_jwt') {
    if (!values.jwks) throw new UsageError('private_key_jwt needs --jwks <file>: the client\'s public keys as a JWK Set.');
    jwks = await readJwks(values.jwks);
  } else if (values.jwks) {
    throw new UsageError('--jwks is only for --auth-method private_key_jwt.');
  }

  const grants = values['grant-types'].split(',').map((g) => g.trim()).filter(Boolean);
  const unknown = grants.filter((g) => !(grantTypes as readonly string[]).includes(g));
  if (unknown.length > 0) throw new UsageError(`Unknown grant types: ${unknown.join(', ')}. Known: ${grantTypes.join(', ')}.`);
  // RFC 6749 §4.4: client credentials are for confidential clients only.
  if (type === 'public' && grants.includes(GrantType.ClientCredentials)) throw new UsageError('client_credentials needs a confidential client.');
  const scopes = parseScope(values.scopes);
  if (!scopes) throw new UsageError('--scopes must be a space-separated list of scope names.');
  for (const uri of values['redirect-uri']) {
    if (!URL.canParse(uri) || new URL(uri).hash) throw new UsageError(`Redirect URI "${uri}" must be an absolute URL without a fragment.`);
  }
  // RFC 8707 §2: a resource is an absolute URI without a fragment; the same rule for `audience`.
  for (const api of values.audience) {
    if (!URL.canParse(api) || api.includes('#')) throw new UsageError(`Audience "${api}" must be an absolute URI without a fragment.`);
  }
  let responseTypes: string[] | undefined;
  if (values['response-types'] !== undefined) {
    // The order of values within one response type carries no meaning (OAuth 2.0 Multiple
    // Response Type Encoding Practices §5); each is stored spelled as the server lists it.
    const canonical = (r: string) => r.trim().split(/\s+/).sort().join(' ');
    const asked = values['response-types'].split(',').map(canonical).filter(Boolean);
    const unsupported = asked.filter((r) => !supportedResponseTypes.some((s) => canonical(s) === r));
    if (unsupported.length > 0) throw new UsageError(`Unsupported response types: ${unsupported.join(', ')}. Supported: ${supportedResponseTypes.join(', ')}.`);
    responseTypes = supportedResponseTypes.filter((s) => asked.includes(canonical(s)));
  }
  const policy = parseClientPolicy(values, scopes);

  const secret = method === 'client_secret_basic' || method === 'client_secret_post' ? randomBytes(32).toString('base64url') : undefined;
  await store.upsertClient({
    clientId: values.id,
    name: values.name,
    type,
    tokenEndpointAuthMethod: method,
    secretHash: secret ? hashSecret(secret) : null,
    grantTypes: grants,
    redirectUris: values['redirect-uri'],
    scopes,
    firstParty: !values['third-party'],
    createdAt: Date.now(),
    jwks,
    allowedAudiences: [...new Set(values.audience)],
    requirePkce: values['require-pkce'],
    ...(responseTypes ? { responseTypes } : {}),
    ...policy,
  });
  console.log(`Client ${values.id} saved (${type}, ${method}).`);
  // Shown once, here only: the store keeps a hash.
  if (secret) console.log(`Client secret (shown only now; store it safely): ${secret}`);
}

/** `clients set`: changes the cross-device policy of an existing client, nothing else. */
async function setClientPolicy(store: Store, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { id: { type: 'string' }, ...clientPolicyOptions } });
  if (!values.id) throw new UsageError('clients set needs --id and at least one policy option.');
  const client = await store.findClient(values.id);
  if (!client) throw new UsageError(`There is no client ${values.id}; \`clients list\` shows them.`);
  const policy = parseClientPolicy(values, client.scopes);
  if (Object.keys(policy).length === 0) throw new UsageError(usage);
  const changed = { ...client, ...policy };
  await store.upsertClient(changed);
  // Instances cache clients briefly (clientCacheSeconds); the new policy applies within that.
  console.log(`Client ${values.id}: ${describeClientPolicy(changed)}`);
}

async function readJwks(file: string): Promise<JSONWebKeySet> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`Could not read a JWK Set from ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return await checkClientJwks(parsed);
  } catch (err) {
    throw new UsageError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof ClientPolicyError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(`Admin command failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
