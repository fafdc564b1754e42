import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { authorizationErrorPage } from '../authorization/error-page';
import { formPostResponse } from '../authorization/form-post';
import { escapeHtml, htmlDocument, pageStyle, styleHashSource } from './html';

describe('the HTML page kit', () => {
  it('escapes the five characters that can end text or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;amp;&#60;/a&#62;');
    expect(escapeHtml('plain text, ünïcode')).toBe('plain text, ünïcode');
  });

  it('escapes the title and the style nonce; the body is the caller’s trusted markup', () => {
    const html = htmlDocument({ lang: 'en', title: '<script>', css: 'p{}', styleNonce: '"x', body: '<main>ok</main>' });
    expect(html).toContain('<title>&#60;script&#62;</title>');
    expect(html).toContain('<style nonce="&#34;x">p{}</style>');
    expect(html).toContain('<body><main>ok</main></body>');
  });

  it('the hash source in the CSP is the hash of the style in the page', () => {
    const page = authorizationErrorPage('unknown-client');
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.html ?? '')?.[1] ?? '';
    expect(style.startsWith(pageStyle(''))).toBe(true);
    expect(page.headers['Content-Security-Policy']).toContain(`style-src ${styleHashSource(style)}`);
    const post = formPostResponse('https://app.example/cb', [['code', 'c']]);
    const postStyle = /<style>([\s\S]*?)<\/style>/.exec(post.html ?? '')?.[1] ?? '';
    expect(post.headers['Content-Security-Policy']).toContain(`style-src ${styleHashSource(postStyle)}`);
  });

  it('is the only HTML escape in the server (no copies to drift)', () => {
    const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts'));
    const copies = files.filter((f) => f !== path.join('oauth', 'http', 'html.ts') && /\[&<>"'\]/.test(readFileSync(path.join(src, f), 'utf8')));
    expect(copies).toEqual([]);
  });
});
