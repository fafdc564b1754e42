import { loaders, pageRequest } from '../portal/page-request';
import { common } from '../portal/strings/common';
import { Shell } from './_ui/shell';

export default async function Home() {
  const viewer = await loaders().viewer(await pageRequest());
  return (
    <Shell viewer={viewer}>
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
