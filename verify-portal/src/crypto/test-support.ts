/**
 * A password and its scrypt hashes, made once and kept here, for test fixtures that need *a* user:
 * `hashPassword` does real work on every call (today's cost, N=2^17, is ~0.3–0.5 s and 128 MiB:
 * src/defaults.ts), and most tests never sign in. Made with:
 *
 *   node -e "const c=require('node:crypto'),s=c.randomBytes(16),N=1024;  // or N=131072
 *     console.log('scrypt$'+N+'$8$1$'+s.toString('base64url')+'$'+c.scryptSync('correct horse',s,32,{N,r:8,p:1,maxmem:2**28}).toString('base64url'))"
 */
export const TEST_PASSWORD = 'correct horse';

/** log2(N) the unit tests give the core and the portal (their `scryptLog2N` setting): the check is real, the cost is not. */
export const TEST_SCRYPT_LOG2N = 10;

/** `TEST_PASSWORD` at N=2^10 (`TEST_SCRYPT_LOG2N`): a sign-in in a unit test checks it in a millisecond and asks for no rehash. */
export const TEST_PASSWORD_HASH = 'scrypt$1024$8$1$YnFO2Co7wK-VAPAsLUh-bQ$pjPkFgz14qGVjs6k3FPlaCMuwMcf7PggwxhLnZF-mPo';

/**
 * `TEST_PASSWORD` at today's cost (`defaults.scryptLog2N`), for users written into a real portal's
 * database in the end-to-end suites: the portal checks it at that cost (a real sign-in), and finds
 * nothing to rehash. src/crypto/test-support.test.ts says when a new cost needs a new one.
 */
export const TEST_PASSWORD_HASH_AT_DEFAULT_COST = 'scrypt$131072$8$1$s18-n90sZuI638Elp8ma0w$e8ZawSSDIfMVKcdl44EtQ-zPDH1D8s3n7Oww9tXCPX0';
