import type { Metadata } from 'next';
import { formatUserCode, spellUserCode } from '@pairgate/shared';
import { resultForReason } from '../../../portal/forms/activate';
import { requestClientIp, requireSession } from '../../../portal/page-session';
import { portalServices } from '../../../portal/services';
import { activate, timeAgo } from '../../../portal/strings/activate';
import { ResultView } from '../../_ui/result';
import { ScopeList } from '../../_ui/scopes';
import { Notice, Shell } from '../../_ui/shell';

export const metadata: Metadata = { title: activate.confirm.title };

/**
 * GET /activate/confirm — the anti-phishing screen (RFC 8628 §3.3.1, §5.4): which app, which
 * device, when and from where, the code to compare with the screen, what it may do, and a
 * warning when the device is on another network than the phone. The code comes from the
 * session (set by POST /activate), never from the URL.
 */
export default async function ConfirmPage() {
  const session = await requireSession('/activate');
  const code = session.data.confirming;
  if (!code) {
    return (
      <Shell session={session}>
        <ResultView result={session.data.result} />
      </Shell>
    );
  }
  const { provider, store } = portalServices();
  const found = await provider.lookupUserCode(code);
  if (!found.ok) {
    return (
      <Shell session={session}>
        <ResultView result={resultForReason(found.reason)} />
      </Shell>
    );
  }
  const record = found.record;
  // Tell the waiting device "continue on your phone" (the push channel); a hint only.
  provider.context.events.publish(record.deviceCodeHash, 'opened');

  const client = await store.findClient(record.clientId);
  const appName = client?.name ?? record.clientId;
  const phoneIp = await requestClientIp();
  const otherNetwork = Boolean(record.clientIp && phoneIp && record.clientIp !== phoneIp);
  const scopes = record.scope.split(' ').filter(Boolean);

  return (
    <Shell session={session}>
      <h1>{activate.confirm.title}</h1>
      <p className="lead">{activate.confirm.lead(appName)}</p>

      <section className="code-box" aria-labelledby="code-check">
        <h2 id="code-check">{activate.confirm.checkCode}</h2>
        <div className="code" role="img" aria-label={spellUserCode(code)}>
          {formatUserCode(code)}
        </div>
      </section>

      {otherNetwork && <Notice kind="warning">{activate.confirm.differentNetwork}</Notice>}

      <dl className="facts">
        <div>
          <dt>{activate.confirm.device}</dt>
          <dd>{record.deviceName ?? activate.confirm.unnamedDevice}</dd>
        </div>
        {record.deviceModel && (
          <div>
            <dt>{activate.confirm.model}</dt>
            <dd>{record.deviceModel}</dd>
          </div>
        )}
        <div>
          <dt>{activate.confirm.app}</dt>
          <dd>{appName}</dd>
        </div>
        <div>
          <dt>{activate.confirm.requested}</dt>
          <dd>{timeAgo(record.createdAt, Date.now())}</dd>
        </div>
      </dl>

      <h2>{activate.confirm.canDo}</h2>
      <ScopeList scopes={scopes} />

      <form method="post" action="/activate/confirm" data-form="confirm" className="decide">
        <input type="hidden" name="csrf" value={session.csrf} />
        <input type="hidden" name="user_code" value={code} />
        <button type="submit" name="decision" value="approve" className="button primary">
          {activate.confirm.approve}
        </button>
        <button type="submit" name="decision" value="deny" className="button secondary">
          {activate.confirm.deny}
        </button>
      </form>
      <p className="hint">{activate.confirm.denyHint}</p>
    </Shell>
  );
}
