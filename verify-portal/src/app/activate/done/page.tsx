import type { Metadata } from 'next';
import { requireSession } from '../../../portal/page-session';
import { activate } from '../../../portal/strings/activate';
import { ResultView } from '../../_ui/result';
import { Shell } from '../../_ui/shell';

export const metadata: Metadata = { title: activate.title };

/** GET /activate/done: the result of the last decision, read from the server-side session. */
export default async function DonePage() {
  const session = await requireSession('/activate');
  return (
    <Shell session={session}>
      <ResultView result={session.data.result} />
    </Shell>
  );
}
