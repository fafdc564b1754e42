import { createHash } from 'node:crypto';
import type { OAuthResponse } from '../http/types';

/**
 * The page shown instead of a redirect when an authorization request names an unknown client
 * or a redirect URI that is not registered for it (RFC 6749 §4.1.2.1, RFC 9700 §4.11): sending
 * the browser to an unverified URI would make this server an open redirector. Plain HTML, no
 * script, nothing from the request echoed except the escaped reason text chosen here.
 */

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's words (English), kept with the page: the core imports nothing from the portal. */
export const authorizationErrorText = {
  lang: 'en',
  title: 'This sign-in link does not work',
  body: 'The app that sent you here is not set up correctly, so you were not signed in and were not sent back to it.',
  next: 'Close this page and try again from the app. If it keeps happening, tell whoever runs the app.',
  reasons: {
    'unknown-client': 'The app is not known here.',
    'missing-client': 'The link does not say which app it is for.',
    'bad-redirect-uri': 'The link asks to send you to an address the app has not registered.',
    'missing-redirect-uri': 'The link does not say where to send you back to.',
    'malformed': 'The link is malformed.',
  },
  serverError: {
    title: 'Something went wrong',
    body: 'Something went wrong on our side, so you were not signed in. Please try again from the app in a moment.',
  },
} as const;

export type UntrustedReason = keyof typeof authorizationErrorText.reasons;

const STYLE = `body{margin:0;font:1.25rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#fff;color:#111}
main{max-width:34rem;margin:0 auto;padding:2rem 1.25rem}
h1{font-size:2rem;line-height:1.2;margin:0 0 1rem}
.reason{padding:.8rem 1rem;border-left:.4rem solid #b3261e;background:#fdecea;font-weight:600}`;

/** CSP Level 3 hash source: the one inline style may apply, nothing else may load or run. */
const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/** The page for an untrusted request (400), or for a failure on our side before the client was known good (500). */
export function authorizationErrorPage(reason: UntrustedReason | 'server-error'): OAuthResponse {
  const t = authorizationErrorText;
  const main =
    reason === 'server-error'
      ? `<h1>${escape(t.serverError.title)}</h1><p>${escape(t.serverError.body)}</p>`
      : `<h1>${escape(t.title)}</h1><p>${escape(t.body)}</p><p class="reason">${escape(t.reasons[reason])}</p><p>${escape(t.next)}</p>`;
  const title = reason === 'server-error' ? t.serverError.title : t.title;
  const html = `<!DOCTYPE html>
<html lang="${t.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${STYLE}</style></head>
<body><main id="main" data-authorization-error="${escape(reason)}">${main}</main></body></html>
`;
  return {
    status: reason === 'server-error' ? 500 : 400,
    headers: {
      'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    },
    html,
  };
}
