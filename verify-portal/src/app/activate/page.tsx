import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import type { CodeProblem } from '../../portal/loaders/types';
import { firstParam, loaders, pageRequest, signInFirst } from '../../portal/page-request';
import { activate } from '../../portal/strings/activate';
import { common } from '../../portal/strings/common';
import { Notice, Shell } from '../_ui/shell';

export const metadata: Metadata = { title: activate.title };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * GET /activate, the `verification_uri` (RFC 8628 §3.2): the code form. The QR link
 * (`?user_code=`, §3.3.1) goes straight on to the confirm screen when the person is signed in
 * (see portal/loaders/activate.ts); nothing is ever decided by a GET (§5.4).
 */
export default async function ActivatePage({ searchParams }: Props) {
  const linkCode = firstParam((await searchParams).user_code)?.slice(0, 32);
  const screen = await loaders().activateScreen(await pageRequest(), linkCode);
  if (screen.kind === 'signed-out') signInFirst(linkCode ? `/activate?user_code=${encodeURIComponent(linkCode)}` : '/activate');
  if (screen.kind === 'redirect') redirect(screen.location);
  const error = screen.problem && problemText(screen.problem);

  return (
    <Shell viewer={screen.viewer}>
      <h1>{activate.title}</h1>
      <p>{activate.lead}</p>
      {error && <Notice kind="error">{error}</Notice>}
      <form method="post" action="/activate" data-form="activate" className="stack">
        <input type="hidden" name="csrf" value={screen.viewer.csrf} />
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
          defaultValue={screen.prefill}
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

function problemText(problem: CodeProblem): string {
  switch (problem.kind) {
    case 'wrong-code':
      return activate.wrongCode;
    case 'not-a-code':
      return activate.notACode;
    case 'too-many-tries':
      return `${common.tooManyTries.body} ${common.tooManyTries.retry(problem.retryAfterSeconds)}`;
  }
}
