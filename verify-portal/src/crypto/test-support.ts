/**
 * A password and its scrypt hash, made once and kept here, for test fixtures that need *a* user:
 * `hashPassword` does real work on every call (today's cost is in src/defaults.ts), and most
 * tests never sign in. The hash is at N=2^10, the cost the tests give the core and the portal
 * (their `scryptLog2N` setting), so a test that does sign in runs the real check cheaply. Made with:
 *
 *   node -e "const c=require('node:crypto'),s=c.randomBytes(16);
 *     console.log('scrypt$1024$8$1$'+s.toString('base64url')+'$'+c.scryptSync('correct horse battery staple',s,32,{N:1024,r:8,p:1}).toString('base64url'))"
 */
export const TEST_PASSWORD = 'correct horse battery staple';
export const TEST_PASSWORD_HASH = 'scrypt$1024$8$1$yEMt677LBApIt8lFu9IYUg$vpyBjB_MdRWNLXAB4KkXayzy-qMukh0CmD64VZYS7hY';
