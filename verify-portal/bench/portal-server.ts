/**
 * The portal as the benchmarks start it: exactly `server.ts` (same wiring, same limits, same
 * access log), with a few OAuth-core settings overridden from bench-only environment variables.
 * Production never loads this file, and `server.ts` reads no such variable.
 *
 *   PAIRGATE_BENCH_POLL_INTERVAL_SECONDS    `pollIntervalSeconds` (RFC 8628 §3.2 `interval`)
 *   PAIRGATE_BENCH_CODES_PER_NETWORK        `deviceCodesPerNetwork` (issuance limit per network)
 *   PAIRGATE_BENCH_CODES_PER_CLIENT         `deviceCodesPerClient` (issuance limit per client)
 *   PAIRGATE_BENCH_PROFILE_DIR              CPU profiles of the measured runs (bench/profiler.ts)
 *   PAIRGATE_BENCH_PEOPLE                   n: the demo data plus people person-1 … person-n (common.ts)
 *
 * Why each exists, and why the figures stay honest, is in bench/README.md ("What the portal runs
 * with"): the interval only decides when a poll would be answered `slow_down`, never how much
 * work a poll is; the issuance limits stay switched on (both counters are still written on every
 * device authorization), only raised above what one loopback address asks for.
 */
import { randomUUID } from 'node:crypto';
import { defaults, type ProviderSettings } from '../src/defaults';
import { BENCH_PASSWORD, benchPerson } from './common';
import { profileOnSignal } from './profiler';

const OVERRIDES = {
  PAIRGATE_BENCH_POLL_INTERVAL_SECONDS: 'pollIntervalSeconds',
  PAIRGATE_BENCH_CODES_PER_NETWORK: 'deviceCodesPerNetwork',
  PAIRGATE_BENCH_CODES_PER_CLIENT: 'deviceCodesPerClient',
} as const satisfies Record<string, keyof ProviderSettings>;

// createProvider() copies `defaults` when server.ts calls it, so changing them before server.ts
// loads is the same as passing `settings` to createProvider.
const settings = defaults as ProviderSettings;
for (const [name, key] of Object.entries(OVERRIDES)) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') continue;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`[bench] ${name} must be a whole number ≥ 0, not "${raw}"\n`);
    process.exit(2);
  }
  settings[key] = value;
}

profileOnSignal();
await addPeople(Number(process.env.PAIRGATE_BENCH_PEOPLE ?? 0));
await import('../server');

/**
 * One account per phone for the approval benchmarks (into the store server.ts is about to open,
 * with the demo data it would seed, which an empty database no longer gets once people exist).
 * One password hash for all of them: they share the password.
 */
async function addPeople(count: number): Promise<void> {
  if (!Number.isInteger(count) || count <= 0) return;
  const [{ readEnv }, { openStore }, { seedDemo }, { hashPassword }] = await Promise.all([
    import('../src/env'),
    import('../src/store'),
    import('../src/admin/demo'),
    import('../src/crypto/password'),
  ]);
  const env = readEnv();
  const store = openStore(env.databaseUrl, env.sqliteFile);
  try {
    await store.migrate();
    if ((await store.countUsers()) === 0) await seedDemo(store);
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    for (let n = 1; n <= count; n++) {
      const { email } = benchPerson(n);
      if (!(await store.findUserByEmail(email))) await store.createUser({ id: randomUUID(), email, name: `Person ${n}`, passwordHash, createdAt: Date.now() });
    }
  } finally {
    await store.close();
  }
}
