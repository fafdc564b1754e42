import { describe, expect, it } from 'vitest';
import { needsRehash, verifyPassword } from './password';
import { TEST_PASSWORD, TEST_PASSWORD_HASH, TEST_PASSWORD_HASH_AT_DEFAULT_COST, TEST_SCRYPT_LOG2N } from './test-support';

describe('the precomputed test password hashes', () => {
  it('the cheap one is TEST_PASSWORD at the tests’ cost', async () => {
    expect(await verifyPassword(TEST_PASSWORD, TEST_PASSWORD_HASH)).toBe(true);
    expect(needsRehash(TEST_PASSWORD_HASH, TEST_SCRYPT_LOG2N)).toBe(false);
    expect(needsRehash(TEST_PASSWORD_HASH, TEST_SCRYPT_LOG2N + 1)).toBe(true);
  });

  it('the other is at today’s cost (remake it when the cost goes up; checking the password is the e2e suites’ job)', () => {
    expect(needsRehash(TEST_PASSWORD_HASH_AT_DEFAULT_COST)).toBe(false);
    expect(TEST_PASSWORD_HASH_AT_DEFAULT_COST).not.toBe(TEST_PASSWORD_HASH);
  });
});
