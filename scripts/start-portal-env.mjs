// The environment `npm start` gives the portal: a demo for trying Pairgate on one machine, so
// the demo data is seeded and the console stays readable. Whatever the person set wins.

/**
 * @param {NodeJS.ProcessEnv} env the environment `npm start` was run with
 * @param {string} issuer the portal's issuer (see lan-issuer.mjs)
 * @returns {NodeJS.ProcessEnv}
 */
export function startPortalEnv(env, issuer) {
  return {
    ...env,
    PAIRGATE_ISSUER: issuer,
    // The demo user and clients, into an empty database only. Never the default elsewhere: the
    // demo password is public (README, "Demo data").
    PAIRGATE_SEED_DEMO: env.PAIRGATE_SEED_DEMO ?? 'true',
    // The portal writes a JSON access line per request at `info`; in a terminal shared with the
    // kiosk they would bury the lines a person needs (portal ready, the phone's URL, the kiosk's).
    // Warnings and errors still show, and the "portal ready on" line is plain text, not a log line.
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  };
}
