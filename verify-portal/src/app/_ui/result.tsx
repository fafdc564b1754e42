import type { ActivateResult } from '../../portal/session';
import { activate } from '../../portal/strings/activate';

/** The outcome of a decision (or why none could be made), as a page body. */
export function ResultView({ result }: { result: ActivateResult | undefined }) {
  if (!result) {
    return (
      <div data-result="none">
        <h1>{activate.result.none.title}</h1>
        <p>{activate.result.none.body}</p>
        <p>
          <a className="button primary" href="/activate">
            {activate.result.another}
          </a>
        </p>
      </div>
    );
  }
  const text = activate.result[result.kind];
  const body =
    result.kind === 'approved'
      ? activate.result.approved.body(result.deviceName ?? result.deviceModel ?? result.clientName ?? activate.result.thisDevice)
      : activate.result[result.kind].body;
  return (
    <div data-result={result.kind}>
      <h1>{text.title}</h1>
      <p className="lead">{body}</p>
      <p className="actions">
        <a className="button primary" href="/activate">
          {result.kind === 'approved' ? activate.result.another : activate.result.enterCode}
        </a>
        {result.kind === 'approved' && (
          <a className="button secondary" href="/account/devices">
            {activate.result.manage}
          </a>
        )}
      </p>
    </div>
  );
}
