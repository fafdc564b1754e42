/**
 * Optional test resources. Locally a missing one skips its suites with a line saying how to
 * enable them; under CI=true a missing one fails the run, so CI can never pass by skipping.
 */
const required = process.env.CI === 'true';

export function testDatabaseUrl(suite: string): string | undefined {
  const url = process.env.PAIRGATE_TEST_DATABASE_URL;
  if (url) return url;
  if (required) throw new Error(`${suite} needs PostgreSQL under CI: PAIRGATE_TEST_DATABASE_URL is not set.`);
  console.warn(`[skip] ${suite} on PostgreSQL: set PAIRGATE_TEST_DATABASE_URL=postgres://… to run it (see README, "Testing").`);
  return undefined;
}
