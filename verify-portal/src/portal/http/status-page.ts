/**
 * The few pages the server answers itself, outside Next.js (429, 403, 400, 413, 500, 503): the
 * shared page kit with the portal's look, a nonce'd <style>, no script. They carry no user input.
 */
import { escapeHtml, htmlDocument, pageStyle } from '../../oauth/http/html';
import type { StatusPage } from '../forms/types';
import { common } from '../strings/common';

export type AnyStatusPage = StatusPage | 'too-large' | 'server-error' | 'unavailable';

const STYLE = pageStyle(`a{color:#0040c1;font-weight:600}
.button{display:inline-block;margin-top:1.5rem;padding:.9rem 1.4rem;border-radius:.5rem;background:#0040c1;color:#fff;text-decoration:none}`);

function wordsOf(page: AnyStatusPage): { title: string; body: string } {
  switch (page) {
    case 'too-many-tries':
      return common.tooManyTries;
    case 'form-expired':
      return common.formExpired;
    case 'bad-request':
    case 'too-large':
      return common.badRequest;
    case 'server-error':
      return common.serverError;
    case 'unavailable':
      return common.unavailable;
  }
}

export function statusPageHtml(page: AnyStatusPage, nonce: string, retryAfterSeconds?: number): string {
  const { title, body } = wordsOf(page);
  const retry = page === 'too-many-tries' && retryAfterSeconds ? `<p>${escapeHtml(common.tooManyTries.retry(retryAfterSeconds))}</p>` : '';
  return htmlDocument({
    lang: common.lang,
    title: `${title} · ${common.product}`,
    css: STYLE,
    styleNonce: nonce,
    body: `<main id="main" data-status="${page}"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p>${retry}
<p><a class="button" href="/activate">${escapeHtml(common.startOver)}</a></p></main>`,
  });
}
