import type { Metadata } from 'next';
import { loaders, pageRequest, signInFirst } from '../../../portal/page-request';
import { activate } from '../../../portal/strings/activate';
import { ResultView } from '../../_ui/result';
import { Shell } from '../../_ui/shell';

export const metadata: Metadata = { title: activate.title };

/** GET /activate/done: the result of the last decision, read from the server-side session. */
export default async function DonePage() {
  const screen = await loaders().doneScreen(await pageRequest());
  if (screen.kind === 'signed-out') signInFirst('/activate');
  return (
    <Shell viewer={screen.viewer}>
      <ResultView result={screen.result} />
    </Shell>
  );
}
