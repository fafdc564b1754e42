import { STORE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../store/unavailable';
import { escapeHtml, htmlDocument, pageStyle, styleHashSource } from '../http/html';
import type { OAuthResponse } from '../http/types';

/**
 * The page shown instead of a redirect when an authorization request names an unknown client
 * or a redirect URI that is not registered for it (RFC 6749 §4.1.2.1, RFC 9700 §4.11): sending
 * the browser to an unverified URI would make this server an open redirector. The same holds
 * when the client could not be checked at all (a failure on our side, or the database away):
 * the person is on a browser navigation, so they get a page, not a JSON body. Plain HTML, no
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
  unavailable: {
    title: 'Signing in is briefly unavailable',
    body: 'We could not reach our records just now, so you were not signed in. Please try again in a few seconds: reload this page, or start again from the app.',
  },
} as const;

export type UntrustedReason = keyof typeof authorizationErrorText.reasons;
/** Failures on our side before the client was known good: a bug (500), or the database away (503). */
type OurSide = 'server-error' | 'unavailable';

const STYLE = pageStyle('.reason{padding:.8rem 1rem;border-left:.4rem solid #b3261e;background:#fdecea;font-weight:600}');
const STYLE_SOURCE = styleHashSource(STYLE);

/**
 * The page for an untrusted request (400), or for a failure on our side before the client was
 * known good: 500, or 503 with `Retry-After` while the database is away (RFC 9110 §15.6.4,
 * §10.2.3; the request was fine and will work again by itself).
 */
export function authorizationErrorPage(reason: UntrustedReason | OurSide): OAuthResponse {
  const t = authorizationErrorText;
  let title: string;
  let main: string;
  if (reason === 'server-error' || reason === 'unavailable') {
    const ours = reason === 'server-error' ? t.serverError : t.unavailable;
    title = ours.title;
    main = `<h1>${escapeHtml(ours.title)}</h1><p>${escapeHtml(ours.body)}</p>`;
  } else {
    title = t.title;
    main = `<h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(t.body)}</p><p class="reason">${escapeHtml(t.reasons[reason])}</p><p>${escapeHtml(t.next)}</p>`;
  }
  // The one inline style may apply (by its hash), nothing else may load or run.
  const html = htmlDocument({ lang: t.lang, title, css: STYLE, body: `<main id="main" data-authorization-error="${escapeHtml(reason)}">${main}</main>` });
  return {
    status: reason === 'server-error' ? 500 : reason === 'unavailable' ? 503 : 400,
    headers: {
      'Content-Security-Policy': `default-src 'none'; style-src ${STYLE_SOURCE}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      ...(reason === 'unavailable' ? { 'Retry-After': String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS) } : {}),
    },
    html,
  };
}
