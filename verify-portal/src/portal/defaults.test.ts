import { describe, expect, it } from 'vitest';
import {
  CODE_SPACE,
  DIGIT_CODE_SPACE,
  digitGlobalGuessBudget,
  digitGuessesWithinBound,
  globalGuessBudget,
  guessesWithinBound,
  MAX_ATTACKER_ACCOUNTS,
  MAX_LIVE_CODES,
  portalDefaults,
} from './defaults';

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

  it('keeps the bound for digit codes with budgets of their own, which no account is trusted with', () => {
    expect(DIGIT_CODE_SPACE).toBe(10 ** 9);
    expect(digitGuessesWithinBound).toBe(100);
    expect(digitGlobalGuessBudget).toBe(50);
    const { codeGlobalDigits } = portalDefaults.limits;
    expect(codeGlobalDigits.windowMs).toBe(600_000);
    // Trusted accounts alone would exceed the digit bound: so every digit guess meets the budget.
    expect(2 * portalDefaults.codeTrustedBelow * MAX_ATTACKER_ACCOUNTS).toBeGreaterThan(digitGuessesWithinBound);
    const worst = 2 * codeGlobalDigits.limit;
    expect(worst).toBeLessThanOrEqual(digitGuessesWithinBound);
    expect((worst * MAX_LIVE_CODES) / DIGIT_CODE_SPACE).toBeLessThanOrEqual(1e-4);
  });
});
