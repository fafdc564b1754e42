/** The limiter moved to `src/limits/` so the OAuth core's password grant can use it too. */
export * from '../../limits/rate-limit';
