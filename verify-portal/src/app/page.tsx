import { common } from '../portal/strings/common';
import { pageSession } from '../portal/page-session';
import { Shell } from './_ui/shell';

export default async function Home() {
  const session = await pageSession();
  return (
    <Shell session={session}>
      <h1>{common.home.title}</h1>
      <p>{common.home.lead}</p>
      <p>
        <a className="button primary" href="/activate">
          {common.home.cta}
        </a>
      </p>
    </Shell>
  );
}
