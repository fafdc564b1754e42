import type { Metadata } from 'next';
import { formatUserCode, normalizeUserCode } from '@pairgate/shared';
import { firstParam, requireSession, takeFlash } from '../../portal/page-session';
import { activate } from '../../portal/strings/activate';
import { Notice, Shell } from '../_ui/shell';

export const metadata: Metadata = { title: activate.title };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * GET /activate, the `verification_uri` (RFC 8628 §3.2). With `?user_code=` (the QR code's
 * `verification_uri_complete`, §3.3.1) the code is filled in, but nothing is decided here: the
 * person continues to the confirm screen and decides there (§5.4).
 */
export default async function ActivatePage({ searchParams }: Props) {
  const typed = firstParam((await searchParams).user_code)?.slice(0, 32);
  const session = await requireSession(typed ? `/activate?user_code=${encodeURIComponent(typed)}` : '/activate');
  const flash = await takeFlash(session);
  const canonical = typed ? normalizeUserCode(typed) : undefined;
  const prefill = canonical ? formatUserCode(canonical) : (typed ?? '');
  const error = flash === 'wrong-code' ? activate.wrongCode : flash === 'not-a-code' ? activate.notACode : undefined;

  return (
    <Shell session={session}>
      <h1>{activate.title}</h1>
      <p>{activate.lead}</p>
      {error && <Notice kind="error">{error}</Notice>}
      <form method="post" action="/activate" data-form="activate" className="stack">
        <input type="hidden" name="csrf" value={session.csrf} />
        <label htmlFor="user_code">{activate.codeLabel}</label>
        <input
          id="user_code"
          name="user_code"
          className="code-input"
          type="text"
          inputMode="text"
          autoCapitalize="characters"
          autoComplete="one-time-code"
          autoCorrect="off"
          spellCheck={false}
          maxLength={32}
          required
          defaultValue={prefill}
          aria-describedby="code-hint"
          aria-invalid={error ? true : undefined}
        />
        <p id="code-hint" className="hint">
          {activate.codeHint}
        </p>
        <button type="submit" className="button primary">
          {activate.submit}
        </button>
      </form>
    </Shell>
  );
}
