import { describe, expect, it } from 'vitest';
import { CODE_SPACE, globalGuessBudget, guessesWithinBound, MAX_ATTACKER_ACCOUNTS, MAX_LIVE_CODES, portalDefaults } from './defaults';

describe('portal limits', () => {
  it('keeps RFC 8628 §5.1 bound: at most 2k per span for a sliding limit k, trusted accounts included', () => {
    expect(CODE_SPACE).toBe(20 ** 8);
    expect(guessesWithinBound).toBe(2_560);
    expect(globalGuessBudget).toBe(980);
    const { codeGlobal, codePerAccount } = portalDefaults.limits;
    expect(codeGlobal.windowMs).toBe(600_000);
    expect(codePerAccount.windowMs).toBe(600_000);
    // Worst case over one code lifetime: failing accounts up to 2G, trusted ones up to 2K each.
    const worst = 2 * codeGlobal.limit + 2 * portalDefaults.codeTrustedBelow * MAX_ATTACKER_ACCOUNTS;
    expect(worst).toBeLessThanOrEqual(guessesWithinBound);
    expect((worst * MAX_LIVE_CODES) / CODE_SPACE).toBeLessThanOrEqual(1e-4);
  });
});
