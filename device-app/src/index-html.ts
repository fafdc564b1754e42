/**
 * The renderer's one HTML page. Built once for Electron (CSP in a meta tag: `file://` has no
 * headers) and served by the web host (CSP as a header, configuration inlined, and — when the
 * host got one — the first code, as data and already rendered).
 */
import type { ClientConfig } from './core/client-config';

/** Where the page finds its data: `<script type="application/json" id=…>` blocks (data, never run). */
export const CONFIG_ELEMENT_ID = 'pairgate-config';
export const FIRST_CODE_ELEMENT_ID = 'pairgate-first-code';
export const DEVICE_ID_ELEMENT_ID = 'pairgate-device-id';

/**
 * The Content-Security-Policy of the page. Scripts and styles only from the app itself, no
 * inline script, no eval, no frames, no forms, no plugins. `connect` lists who the page may call:
 * nobody in Electron (main does the calls), and the authorization server in the web host.
 */
export function contentSecurityPolicy(connect: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect.length > 0 ? connect.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** JSON that is safe inside <script>: no `</script>` or `<!--` can end or confuse the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface PageHeadOptions {
  cspMeta?: string;
  config?: ClientConfig;
  /** The web host's screen's device id (`web-server.ts`), for the page's controller. */
  deviceId?: string;
}

export interface PageBodyOptions {
  /** The web host's first code (see `web-first-code.ts`): JSON for the page's controller. */
  firstCode?: unknown;
  /** The first screen, rendered on the server (trusted markup from `first-screen.tsx`). */
  body?: string;
}

const data = (id: string, value: unknown) => `<script id="${id}" type="application/json">${scriptJson(value)}</script>\n`;

/**
 * Everything up to `<body>`: the web host sends it at once, so the browser fetches the stylesheet
 * and the bundle while the host is still asking for the first code.
 */
export function pageHead(options: PageHeadOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${options.cspMeta ? `<meta http-equiv="Content-Security-Policy" content="${options.cspMeta}">\n` : ''}<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark">
<link rel="icon" href="data:,">
<title>Pairgate</title>
<link rel="stylesheet" href="app.css">
${options.config ? data(CONFIG_ELEMENT_ID, options.config) : ''}${options.deviceId ? data(DEVICE_ID_ELEMENT_ID, options.deviceId) : ''}<script defer src="app.js"></script>
</head>
<body>
`;
}

/** The rest: the first screen and its code when there is one (a deferred script runs after all of it is parsed). */
export function pageBody(options: PageBodyOptions): string {
  return `<div id="root">${options.body ?? ''}</div>
${options.firstCode ? data(FIRST_CODE_ELEMENT_ID, options.firstCode) : ''}</body>
</html>
`;
}

export function indexHtml(options: PageHeadOptions & PageBodyOptions): string {
  return pageHead(options) + pageBody(options);
}
