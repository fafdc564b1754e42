import { OAuthError, oauthError } from '@pairgate/shared';
import { checkPassword, strongerHash } from '../../crypto/password';
import { admitSignIn, signInFailed, signInSubjects, signInSucceeded } from '../../limits/sign-in';
import { apiAudiences } from '../audience';
import { param, requiredParam } from '../http/params';
import { newGrant } from '../new-grant';
import { resolveScope } from '../scope';
import { issueFirstTokens } from '../tokens/issue';
import type { GrantHandler } from './types';

/** The same bounds as the sign-in form: RFC 5321 §4.5.3.1 for the address; longer is simply wrong. */
const MAX_USERNAME = 254;
const MAX_PASSWORD = 1024;

/**
 * RFC 6749 §4.3: the client sends the person's own email and password. Legacy, and off unless
 * the client's `grant_types` include `password` (the token endpoint refuses others with
 * `unauthorized_client`); RFC 9700 §2.4 says it MUST NOT be used — see the README.
 *
 * Failed checks count against the very limits of the sign-in page, with the same subjects
 * (client network; SHA-256 of the lower-cased email), so the token endpoint is no side door for
 * guessing. A wrong email and a wrong password get the same `invalid_grant` (§5.2), in the same
 * time.
 */
export const passwordGrant: GrantHandler = async (ctx, client, params, req) => {
  const username = requiredParam(params, 'username').trim().toLowerCase().slice(0, MAX_USERNAME);
  const password = requiredParam(params, 'password').slice(0, MAX_PASSWORD);
  const scope = resolveScope(param(params, 'scope'), client.scopes);
  // Like the other grants for a person: the client's APIs, or those named by `resource`/`audience`.
  const apis = apiAudiences(params, client);
  const now = ctx.now();

  const subjects = signInSubjects(username, req.clientAddress);
  const retryAfter = await admitSignIn(ctx.store, subjects, now);
  if (retryAfter !== undefined) {
    // RFC 6749 §5.2 has no code for "too many attempts". `invalid_grant` would tell the client
    // the password is wrong (and make it ask the person again, even when it is right); instead
    // this is what the limit is: a temporary refusal of every attempt, right or wrong, with
    // HTTP 429 and Retry-After (RFC 6585 §4, RFC 9110 §10.2.3), and the registered OAuth code
    // for "cannot handle the request now" (`temporarily_unavailable`, RFC 6749 §4.1.2.1, §11.4).
    // Nothing was checked, so it reveals nothing about the account or the password.
    throw new OAuthError('temporarily_unavailable', 'Too many failed sign-ins; try again later.', {
      status: 429,
      headers: { 'Retry-After': String(retryAfter) },
    });
  }

  const user = await ctx.store.findUserByEmail(username);
  const ok = await checkPassword(password, user?.passwordHash, ctx.settings.scryptLog2N);
  if (!user || !ok) {
    await signInFailed(ctx.store, subjects, now);
    throw oauthError.invalidGrant('The username or password is wrong.');
  }
  await signInSucceeded(ctx.store, subjects);
  const upgraded = await strongerHash(password, user.passwordHash, ctx.settings.scryptLog2N);
  if (upgraded) await ctx.store.updatePasswordHash(user.id, upgraded);

  const grant = newGrant({ userId: user.id, clientId: client.clientId, scope: scope.join(' '), authTime: now }, now);
  await ctx.store.createGrant(grant);
  return issueFirstTokens(ctx, { grant, client, user, scope, apis });
};
