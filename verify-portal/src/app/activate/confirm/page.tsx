import type { Metadata } from 'next';
import { formatUserCode, spellUserCode } from '@pairgate/shared';
import type { ConfirmDetails, Viewer } from '../../../portal/loaders/types';
import { loaders, pageRequest, signInFirst } from '../../../portal/page-request';
import { activate } from '../../../portal/strings/activate';
import { DecisionForm } from '../../_ui/decision-form';
import { ResultView } from '../../_ui/result';
import { ScopeList } from '../../_ui/scopes';
import { Notice, Shell } from '../../_ui/shell';
import { When } from '../../_ui/when';

export const metadata: Metadata = { title: activate.confirm.title };

const text = activate.confirm;

/**
 * GET /activate/confirm — the anti-phishing screen (RFC 8628 §3.3.1, §5.4; RFC 10027). What
 * decides comes first, so the buttons fit on a small phone without scrolling: the device's own
 * name, who is approving (and a way to switch), the code to compare with the screen, a warning
 * when the device is on another network, Approve and Deny — or, when the client's policy asks
 * for number matching, the three numbers to pick from and Deny. The app, model, time, network
 * and scopes follow below.
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

      {details.step === 'warn' && <Notice kind="warning">{text.differentNetwork}</Notice>}

      {details.step === 'match' ? (
        <NumberChoices details={details} csrf={viewer.csrf} />
      ) : (
        <DecisionForm
          action="/activate/confirm"
          form="confirm"
          csrf={viewer.csrf}
          subject={{ user_code: details.userCode }}
          decisions={[
            { value: 'approve', label: text.approve, primary: true },
            { value: 'deny', label: text.deny },
          ]}
        />
      )}
      <p className="hint">{details.step === 'match' ? text.match.hint : text.denyHint}</p>

      <h2>{text.details}</h2>
      <Facts details={details} now={now} />
      <h2>{text.canDo}</h2>
      {details.limited && <p className="hint">{text.limited}</p>}
      <ScopeList scopes={details.scopes} />
    </Shell>
  );
}

/**
 * Number matching (RFC 10027): the three numbers in the order the server drew them (the same on
 * every view), each a submit button; Deny beside them. The form sends only the pick; the right
 * number stays on the server, bound to the code.
 */
function NumberChoices({ details, csrf }: { details: ConfirmDetails; csrf: string }) {
  return (
    <section aria-labelledby="match-question">
      <h2 id="match-question">{text.match.question}</h2>
      <p className="hint">{text.match.why}</p>
      <form method="post" action="/activate/confirm" data-form="number-match" className="decide">
        <input type="hidden" name="csrf" value={csrf} />
        <input type="hidden" name="user_code" value={details.userCode} />
        <input type="hidden" name="decision" value="pick" />
        {(details.choices ?? []).map((choice) => (
          <button key={choice} type="submit" name="number" value={choice} className="button primary">
            {choice}
            <span className="sr-only">{text.match.pickSuffix}</span>
          </button>
        ))}
      </form>
      <DecisionForm action="/activate/confirm" form="confirm" csrf={csrf} subject={{ user_code: details.userCode }} decisions={[{ value: 'deny', label: text.deny }]} />
    </section>
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
