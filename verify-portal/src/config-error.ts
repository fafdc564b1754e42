/**
 * A setting the operator has to fix (a bad or missing environment variable, a key that does not
 * open the database's signing keys): reported as its message alone, with exit code 2, never as a
 * stack trace. Its own module so that `env.ts` and what `env.ts` imports can both use it.
 */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
}
