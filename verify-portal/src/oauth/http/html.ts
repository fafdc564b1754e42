/**
 * The one kit for the few HTML pages the server writes itself, outside Next.js: the
 * authorization error page and the form-post answer of the OAuth core, and the portal's status
 * pages (429, 403, 413, 503…). One escape, one document shell, one base look. It lives with the
 * core's HTTP types because the core must not import the portal; the portal may import it.
 */
import { createHash } from 'node:crypto';

const HTML_SPECIALS = /[&<>"']/g;

/**
 * Escapes text for HTML element content and for quoted attribute values alike (the five
 * characters that can end either, as numeric character references; HTML §13.1.4).
 */
export function escapeHtml(value: string): string {
  return value.replace(HTML_SPECIALS, (c) => `&#${c.charCodeAt(0)};`);
}

/** The shared look: large type for a phone held at arm's length, one narrow column. */
const BASE_STYLE = `body{margin:0;font:1.25rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#fff;color:#111}
main{max-width:34rem;margin:0 auto;padding:2rem 1.25rem}
h1{font-size:2rem;line-height:1.2;margin:0 0 1rem}`;

/** The base look plus a page's own rules. */
export function pageStyle(extra: string): string {
  return `${BASE_STYLE}\n${extra}`;
}

/** CSP Level 3 hash source (`'sha256-…'`) that lets exactly this inline stylesheet apply. */
export function styleHashSource(css: string): string {
  return `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
}

export interface HtmlDocument {
  lang: string;
  /** Plain text; escaped here. */
  title: string;
  /** The page's stylesheet (see `pageStyle`), allowed by `styleNonce` or by its hash in the CSP. */
  css: string;
  styleNonce?: string;
  /** Extra trusted markup for <head> (after the title). */
  head?: string;
  /** Trusted markup for <body>: the caller escapes every value it puts in. */
  body: string;
}

export function htmlDocument(page: HtmlDocument): string {
  const nonce = page.styleNonce === undefined ? '' : ` nonce="${escapeHtml(page.styleNonce)}"`;
  return `<!DOCTYPE html>
<html lang="${escapeHtml(page.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${page.head ?? ''}<title>${escapeHtml(page.title)}</title>
<style${nonce}>${page.css}</style></head>
<body>${page.body}</body></html>
`;
}
