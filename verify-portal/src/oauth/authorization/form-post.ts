import { randomBytes } from 'node:crypto';
import { escapeHtml, htmlDocument, pageStyle, styleHashSource } from '../http/html';
import type { OAuthResponse } from '../http/types';

/**
 * OAuth 2.0 Form Post Response Mode §2: the authorization response as an HTML page whose form
 * POSTs the parameters to the redirect URI and submits itself, so codes and tokens never appear
 * in a URL, a browser history or a Referer. §5 (security considerations) and RFC 9700 §4.3:
 *   - every value is HTML-escaped (the form is built from `state` and other client input);
 *   - a CSP lets only this response's one inline script run (a fresh nonce) and lets the form
 *     go only to the redirect URI's origin (`form-action`); nothing else may load, no framing;
 *   - `Cache-Control: no-store` (the page carries tokens) and `Referrer-Policy: no-referrer`;
 *   - with scripts off the person sees a Continue button that does the same.
 * The caller has already checked the redirect URI is registered for the client (RFC 6749 §3.1.2).
 */

/** The page's words (English), kept with the page: the core imports nothing from the portal. */
export const formPostText = {
  lang: 'en',
  title: 'Returning to the app',
  body: 'You are being sent back to the app. If nothing happens, press Continue.',
  button: 'Continue',
} as const;

const STYLE = pageStyle('button{font:inherit;padding:.7rem 1.4rem;border:0;border-radius:.4rem;background:#1a56db;color:#fff;cursor:pointer}');
/** CSP Level 3 hash source for the one inline style. */
const STYLE_SOURCE = styleHashSource(STYLE);

/**
 * The narrowest CSP source expression that lets a form reach `uri`: its origin. CSP host sources
 * have no syntax for IPv6 literals (`http://[::1]:…`), and private-use schemes (RFC 8252 §7.1)
 * have no origin, so those get a scheme source; undefined for anything that is not a URI. Also
 * the portal's sign-in and consent pages' `form-action` (see `portal/http/form-targets.ts`).
 */
export function cspSourceFor(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.hostname.startsWith('[') ? url.protocol : url.origin;
  return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) ? url.protocol : undefined;
}

/** A 200 page that POSTs `params` (in order) to `redirectUri`. */
export function formPostResponse(redirectUri: string, params: ReadonlyArray<readonly [string, string]>): OAuthResponse {
  const nonce = randomBytes(16).toString('base64');
  const t = formPostText;
  const inputs = params.map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('\n');
  const html = htmlDocument({
    lang: t.lang,
    title: t.title,
    css: STYLE,
    head: '<meta name="referrer" content="no-referrer">\n',
    body: `<main id="main"><h1>${escapeHtml(t.title)}</h1>
<form method="post" action="${escapeHtml(redirectUri)}" id="response" data-form-post>
${inputs}
<p>${escapeHtml(t.body)}</p>
<button type="submit">${escapeHtml(t.button)}</button>
</form></main>
<script nonce="${nonce}">document.getElementById("response").submit();</script>
`,
  });
  return {
    status: 200,
    headers: {
      'Content-Security-Policy': [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src ${STYLE_SOURCE}`,
        `form-action ${cspSourceFor(redirectUri) ?? "'none'"}`,
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    },
    html,
  };
}
