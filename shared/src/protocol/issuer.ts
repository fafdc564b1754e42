/**
 * The one issuer check, for a server's own configuration and for a client that is told which
 * server to trust (RFC 8414 §2, OIDC Discovery §4): an absolute https URL — http is allowed for
 * local use — with no query, no fragment and no user name or password.
 */

export type IssuerCheck =
  /** `issuer` is the canonical spelling: a bare origin or a path, without a trailing slash. */
  | { ok: true; issuer: string; url: URL }
  /** `problem` completes a sentence that starts with the setting's name: "PAIRGATE_ISSUER …". */
  | { ok: false; problem: string };

export function checkIssuer(value: string): IssuerCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, problem: 'must be an absolute URL such as https://login.example.com' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, problem: 'must use https (or http for local testing)' };
  // `new URL` drops an empty `?` or `#`, so the text is checked too.
  if (url.search || url.hash || /[?#]/.test(value)) return { ok: false, problem: 'must not contain a query or fragment (RFC 8414 §2)' };
  if (url.username || url.password) return { ok: false, problem: 'must not contain a user name or password' };
  // Discovery compares issuers as strings (RFC 8414 §3.3), and servers publish theirs without
  // the trailing slash.
  return { ok: true, issuer: url.href.replace(/\/$/, ''), url };
}
