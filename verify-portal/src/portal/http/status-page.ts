/**
 * The few pages the form handlers answer themselves (429, 403, 400, 413, 500): plain HTML with
 * the portal's look, a nonce'd <style>, no script. They carry no user input.
 */
import { common } from '../strings/common';
import type { StatusPage } from '../forms/types';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export type AnyStatusPage = StatusPage | 'too-large' | 'server-error';

export function statusPageHtml(page: AnyStatusPage, nonce: string, retryAfterSeconds?: number): string {
  let title: string;
  let body: string;
  let extra = '';
  switch (page) {
    case 'too-many-tries':
      title = common.tooManyTries.title;
      body = common.tooManyTries.body;
      if (retryAfterSeconds) extra = common.tooManyTries.retry(retryAfterSeconds);
      break;
    case 'form-expired':
      title = common.formExpired.title;
      body = common.formExpired.body;
      break;
    case 'bad-request':
    case 'too-large':
      title = common.badRequest.title;
      body = common.badRequest.body;
      break;
    case 'server-error':
      title = common.serverError.title;
      body = common.serverError.body;
      break;
  }
  return `<!DOCTYPE html>
<html lang="${common.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · ${escape(common.product)}</title>
<style nonce="${escape(nonce)}">
body{margin:0;font:1.25rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#fff;color:#111}
main{max-width:34rem;margin:0 auto;padding:2rem 1.25rem}
h1{font-size:2rem;line-height:1.2;margin:0 0 1rem}
a{color:#0040c1;font-weight:600}
.button{display:inline-block;margin-top:1.5rem;padding:.9rem 1.4rem;border-radius:.5rem;background:#0040c1;color:#fff;text-decoration:none}
</style></head>
<body><main id="main" data-status="${page}"><h1>${escape(title)}</h1><p>${escape(body)}</p>${extra ? `<p>${escape(extra)}</p>` : ''}
<p><a class="button" href="/activate">${escape(common.startOver)}</a></p></main></body></html>
`;
}
