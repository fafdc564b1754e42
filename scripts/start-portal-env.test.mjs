import { describe, expect, it } from 'vitest';
import { startPortalEnv } from './start-portal-env.mjs';

describe('startPortalEnv: what `npm start` gives the portal', () => {
  it('the issuer, the demo data and a quiet log by default', () => {
    expect(startPortalEnv({ PATH: '/usr/bin' }, 'http://192.168.1.20:3000')).toEqual({
      PATH: '/usr/bin',
      PAIRGATE_ISSUER: 'http://192.168.1.20:3000',
      PAIRGATE_SEED_DEMO: 'true',
      LOG_LEVEL: 'warn',
    });
  });

  it('keeps what the person set: a log level, no demo', () => {
    const env = startPortalEnv({ LOG_LEVEL: 'info', PAIRGATE_SEED_DEMO: 'false' }, 'http://localhost:3000');
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.PAIRGATE_SEED_DEMO).toBe('false');
  });
});
