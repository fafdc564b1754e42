import { describe, expect, it } from 'vitest';
import { signInLimits } from '../limits/rules';
import { CODE_SPACE, globalGuessBudget, portalDefaults } from './defaults';

describe('portal limits', () => {
  it('sizes the global budget from RFC 8628 §5.1', () => {
    expect(CODE_SPACE).toBe(20 ** 8);
    expect(globalGuessBudget).toBe(2_560);
    // Success probability of spending the whole budget against the assumed live codes stays under the bound.
    expect((globalGuessBudget * 1_000) / CODE_SPACE).toBeLessThanOrEqual(1e-4);
    expect(portalDefaults.limits.codeGlobal.windowMs).toBe(600_000);
  });

  it('counts sign-in failures with the same rules as the password grant', () => {
    expect(portalDefaults.limits.loginPerAccount).toBe(signInLimits.perAccount);
    expect(portalDefaults.limits.loginPerIp).toBe(signInLimits.perIp);
  });
});
