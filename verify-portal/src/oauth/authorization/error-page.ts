import { escapeHtml, htmlDocument, pageStyle, styleHashSource } from '../http/html';
import type { OAuthResponse } from '../http/types';

/**
 * The page shown instead of a redirect when an authorization request names an unknown client
 * or a redirect URI that is not registered for it (RFC 6749 §4.1.2.1, RFC 9700 §4.11): sending
 * the browser to an unverified URI would make this server an open redirector. Plain HTML, no
 * script, nothing from the request echoed except the escaped reason text chosen here.
 */

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

const STYLE = pageStyle('.reason{padding:.8rem 1rem;border-left:.4rem solid #b3261e;background:#fdecea;font-weight:600}');
const STYLE_SOURCE = styleHashSource(STYLE);

/** The page for an untrusted request (400), or for a failure on our side before the client was known good (500). */
export function authorizationErrorPage(reason: UntrustedReason | 'server-error'): OAuthResponse {
  const t = authorizationErrorText;
  const main =
    reason === 'server-error'
      ? `<h1>${escapeHtml(t.serverError.title)}</h1><p>${escapeHtml(t.serverError.body)}</p>`
      : `<h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(t.body)}</p><p class="reason">${escapeHtml(t.reasons[reason])}</p><p>${escapeHtml(t.next)}</p>`;
  const title = reason === 'server-error' ? t.serverError.title : t.title;
  // The one inline style may apply (by its hash), nothing else may load or run.
  const html = htmlDocument({ lang: t.lang, title, css: STYLE, body: `<main id="main" data-authorization-error="${escapeHtml(reason)}">${main}</main>` });
  return {
    status: reason === 'server-error' ? 500 : 400,
    headers: {
      'Content-Security-Policy': `default-src 'none'; style-src ${STYLE_SOURCE}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    },
    html,
  };
}
