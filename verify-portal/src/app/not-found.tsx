import { common } from '../portal/strings/common';
import { Shell } from './_ui/shell';

export default function NotFound() {
  return (
    <Shell>
      <h1>{common.notFound.title}</h1>
      <p>{common.notFound.body}</p>
      <p>
        <a className="button primary" href="/activate">
          {common.home.cta}
        </a>
      </p>
    </Shell>
  );
}
