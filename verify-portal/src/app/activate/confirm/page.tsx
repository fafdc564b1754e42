import type { Metadata } from 'next';
import { formatUserCode, spellUserCode } from '@pairgate/shared';
import type { ConfirmDetails, Viewer } from '../../../portal/loaders/types';
import { loaders, pageRequest, signInFirst } from '../../../portal/page-request';
import { activate } from '../../../portal/strings/activate';
import { ResultView } from '../../_ui/result';
import { ScopeList } from '../../_ui/scopes';
import { Notice, Shell } from '../../_ui/shell';
import { When } from '../../_ui/when';

export const metadata: Metadata = { title: activate.confirm.title };

const text = activate.confirm;

/**
 * GET /activate/confirm — the anti-phishing screen (RFC 8628 §3.3.1, §5.4). What decides comes
 * first, so Approve and Deny fit on a small phone without scrolling: the device's own name, who
 * is approving (and a way to switch), the code to compare with the screen, a warning when the
 * device is on another network, the two buttons. The app, model, time, network and scopes
 * follow below.
 */
export default async function ConfirmPage() {
  const screen = await loaders().confirmScreen(await pageRequest());
  if (screen.kind === 'signed-out') signInFirst('/activate');
  if (screen.kind === 'result') {
    return (
      <Shell viewer={screen.viewer}>
        <ResultView result={screen.result} />
      </Shell>
    );
  }
  const { viewer, details, now } = screen;
  const code = formatUserCode(details.userCode);

  return (
    <Shell viewer={viewer}>
      <h1 className="confirm-title">{text.heading(details.deviceName ?? details.deviceModel ?? text.thisScreen)}</h1>
      <SignedInAs viewer={viewer} comeBackTo={`/activate?user_code=${code}`} />

      <section className="code-box" aria-labelledby="code-check">
        <h2 id="code-check">{text.checkCode}</h2>
        <div className="code" role="img" aria-label={spellUserCode(details.userCode)}>
          {code}
        </div>
      </section>

      {details.network === 'different' && <Notice kind="warning">{text.differentNetwork}</Notice>}

      <form method="post" action="/activate/confirm" data-form="confirm" className="decide">
        <input type="hidden" name="csrf" value={viewer.csrf} />
        <input type="hidden" name="user_code" value={details.userCode} />
        <button type="submit" name="decision" value="approve" className="button primary">
          {text.approve}
        </button>
        <button type="submit" name="decision" value="deny" className="button secondary">
          {text.deny}
        </button>
      </form>
      <p className="hint">{text.denyHint}</p>

      <h2>{text.details}</h2>
      <Facts details={details} now={now} />
      <h2>{text.canDo}</h2>
      <ScopeList scopes={details.scopes} />
    </Shell>
  );
}

/** "Signed in as demo@example.com — not you? Switch": Switch signs out and comes back to this code through /login. */
function SignedInAs({ viewer, comeBackTo }: { viewer: Viewer; comeBackTo: string }) {
  return (
    <form method="post" action="/logout" className="account-line" data-form="switch-account">
      <input type="hidden" name="csrf" value={viewer.csrf} />
      <input type="hidden" name="next" value={comeBackTo} />
      {text.signedInAs} <strong>{viewer.email}</strong> — {text.notYou}{' '}
      <button type="submit" className="link">
        {text.switchAccount}
        <span className="sr-only">{text.switchAccountSuffix}</span>
      </button>
    </form>
  );
}

/** The app (named once, here), the model when the device also gave a name, when, and from which network. */
function Facts({ details, now }: { details: ConfirmDetails; now: number }) {
  return (
    <dl className="facts">
      <div>
        <dt>{text.app}</dt>
        <dd>{details.appName}</dd>
      </div>
      {details.deviceName && details.deviceModel && (
        <div>
          <dt>{text.model}</dt>
          <dd>{details.deviceModel}</dd>
        </div>
      )}
      <div>
        <dt>{text.requested}</dt>
        <dd>
          <When at={details.requestedAt} now={now} />
        </dd>
      </div>
      {details.network !== 'unknown' && (
        <div>
          <dt>{text.network}</dt>
          <dd>{details.network === 'same' ? text.sameNetwork : text.otherNetwork}</dd>
        </div>
      )}
    </dl>
  );
}
