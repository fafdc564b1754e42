import type { Metadata } from 'next';
import { loaders, pageRequest, signInFirst } from '../../../portal/page-request';
import { activate } from '../../../portal/strings/activate';
import { ResultView } from '../../_ui/result';
import { Shell } from '../../_ui/shell';

export const metadata: Metadata = { title: activate.title };

/**
 * GET /activate/done: the result of the last decision, read from the server-side session. After
 * an approval, "This wasn't me" (RFC 10027): one POST that signs that screen out at once; which
 * approval it means is kept in the session, not in the form.
 */
export default async function DonePage() {
  const screen = await loaders().doneScreen(await pageRequest());
  if (screen.kind === 'signed-out') signInFirst('/activate');
  return (
    <Shell viewer={screen.viewer}>
      <ResultView result={screen.result} />
      {screen.canDisown && (
        <form method="post" action="/activate/done" data-form="disown" className="stack">
          <input type="hidden" name="csrf" value={screen.viewer.csrf} />
          <button type="submit" className="button danger" aria-describedby="disown-hint">
            {activate.result.disown}
          </button>
          <p id="disown-hint" className="hint">
            {activate.result.disownHint}
          </p>
        </form>
      )}
    </Shell>
  );
}
