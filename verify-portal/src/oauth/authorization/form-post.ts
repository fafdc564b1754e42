import { createHash, randomBytes } from 'node:crypto';
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

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{margin:0;font:1.25rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#fff;color:#111}
main{max-width:34rem;margin:0 auto;padding:2rem 1.25rem}
h1{font-size:2rem;line-height:1.2;margin:0 0 1rem}
button{font:inherit;padding:.7rem 1.4rem;border:0;border-radius:.4rem;background:#1a56db;color:#fff;cursor:pointer}`;

/** CSP Level 3 hash source for the one inline style. */
const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/**
 * The CSP source that lets the form reach `uri`: its origin, or for an IPv6 literal (CSP host
 * sources cannot express one) and private-use schemes (RFC 8252 §7.1, no origin) its scheme.
 */
export function formActionSource(uri: string): string {
  const url = new URL(uri);
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.hostname.startsWith('[') ? url.protocol : url.origin;
  return url.protocol;
}

/** A 200 page that POSTs `params` (in order) to `redirectUri`. */
export function formPostResponse(redirectUri: string, params: ReadonlyArray<readonly [string, string]>): OAuthResponse {
  const nonce = randomBytes(16).toString('base64');
  const t = formPostText;
  const inputs = params.map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`).join('\n');
  const html = `<!DOCTYPE html>
<html lang="${t.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escape(t.title)}</title>
<style>${STYLE}</style></head>
<body><main id="main"><h1>${escape(t.title)}</h1>
<form method="post" action="${escape(redirectUri)}" id="response" data-form-post>
${inputs}
<p>${escape(t.body)}</p>
<button type="submit">${escape(t.button)}</button>
</form></main>
<script nonce="${nonce}">document.getElementById("response").submit();</script>
</body></html>
`;
  return {
    status: 200,
    headers: {
      'Content-Security-Policy': [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src 'sha256-${STYLE_HASH}'`,
        `form-action ${formActionSource(redirectUri)}`,
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
