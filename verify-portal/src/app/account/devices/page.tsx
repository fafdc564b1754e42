import type { Metadata } from 'next';
import type { AccountNotice } from '../../../portal/loaders/types';
import { loaders, pageRequest, signInFirst } from '../../../portal/page-request';
import { account } from '../../../portal/strings/account';
import { ScopeList } from '../../_ui/scopes';
import { Notice, Shell } from '../../_ui/shell';
import { When } from '../../_ui/when';

export const metadata: Metadata = { title: account.title };

const NOTICES: Record<AccountNotice, string> = {
  'device-signed-out': account.signedOutDevice,
  'device-disowned': account.disowned,
  'device-not-found': account.deviceNotFound,
  'signed-out-everywhere': account.signedOutEverywhere,
  'consent-withdrawn': account.apps.withdrawn,
  'consent-not-found': account.apps.notFound,
};

const APPROVED_FROM = {
  near: account.near,
  remote: account.remote,
  'remote-matched': account.remoteMatched,
  unknown: account.unknownPlace,
} as const;

/**
 * GET /account/devices, "Devices and apps": the sign-ins of this account, each with "Sign out
 * this device" and, for a device approved with a code, where it was approved from and "This
 * wasn't me" (RFC 10027); one "Sign out everywhere else" for all of them; and the apps the
 * person allowed (remembered consents), each with "Withdraw".
 */
export default async function DevicesPage() {
  const screen = await loaders().accountOverview(await pageRequest());
  if (screen.kind === 'signed-out') signInFirst('/account/devices');
  const { viewer, devices, apps, now } = screen;

  return (
    <Shell viewer={viewer}>
      <h1>{account.title}</h1>
      <p>{account.lead}</p>
      <p className="hint">{account.tokenNote(screen.tokenMinutes)}</p>
      {screen.notice && <Notice kind="info">{NOTICES[screen.notice]}</Notice>}
      <h2>{account.devicesHeading}</h2>
      {devices.length === 0 ? (
        <p>{account.none}</p>
      ) : (
        <>
          <ul className="devices">
            {devices.map((device) => (
              <li key={device.grantId} className="device">
                <h3>{device.name}</h3>
                <dl className="facts">
                  {device.app && (
                    <div>
                      <dt>{account.app}</dt>
                      <dd>{device.app}</dd>
                    </div>
                  )}
                  {device.model && (
                    <div>
                      <dt>{account.model}</dt>
                      <dd>{device.model}</dd>
                    </div>
                  )}
                  <div>
                    <dt>{account.approved}</dt>
                    <dd>
                      <When at={device.approvedAt} now={now} />
                    </dd>
                  </div>
                  <div>
                    <dt>{account.lastUsed}</dt>
                    <dd>{device.lastUsedAt ? <When at={device.lastUsedAt} now={now} /> : account.neverUsed}</dd>
                  </div>
                  {device.approvedFrom && (
                    <div>
                      <dt>{account.approvedFrom}</dt>
                      <dd data-approved-from={device.approvedFrom}>
                        {APPROVED_FROM[device.approvedFrom]}
                        {device.limited && ` · ${account.limited}`}
                      </dd>
                    </div>
                  )}
                </dl>
                <div className="actions">
                  <form method="post" action="/account/devices" data-form="device-sign-out">
                    <input type="hidden" name="csrf" value={viewer.csrf} />
                    <input type="hidden" name="grant_id" value={device.grantId} />
                    <button type="submit" className="button danger">
                      {device.app ? account.signOutDevice : account.signOutApp}
                      <span className="sr-only">{account.signOutDeviceSuffix(device.name)}</span>
                    </button>
                  </form>
                  {device.approvedFrom && (
                    <form method="post" action="/account/devices" data-form="device-disown">
                      <input type="hidden" name="csrf" value={viewer.csrf} />
                      <input type="hidden" name="grant_id" value={device.grantId} />
                      <input type="hidden" name="disown" value="1" />
                      <button type="submit" className="button danger">
                        {account.disown}
                        <span className="sr-only">{account.disownSuffix(device.name)}</span>
                      </button>
                    </form>
                  )}
                </div>
              </li>
            ))}
          </ul>
          <form method="post" action="/account/devices" data-form="sign-out-everywhere" className="stack">
            <input type="hidden" name="csrf" value={viewer.csrf} />
            <input type="hidden" name="everywhere" value="1" />
            <button type="submit" className="button danger" aria-describedby="everywhere-hint">
              {account.signOutEverywhere}
            </button>
            <p id="everywhere-hint" className="hint">
              {account.signOutEverywhereHint}
            </p>
          </form>
        </>
      )}

      <h2 id="apps">{account.apps.heading}</h2>
      <p>{account.apps.lead}</p>
      {apps.length === 0 ? (
        <p>{account.apps.none}</p>
      ) : (
        <ul className="devices" aria-labelledby="apps">
          {apps.map((app) => (
            <li key={app.clientId} className="device" data-consent={app.clientId}>
              <h3>{app.name}</h3>
              <dl className="facts">
                <div>
                  <dt>{account.apps.allowed}</dt>
                  <dd>
                    <When at={app.allowedAt} now={now} />
                  </dd>
                </div>
                <div>
                  <dt>{account.apps.canDo}</dt>
                  <dd>
                    <ScopeList scopes={app.scopes} />
                  </dd>
                </div>
              </dl>
              <form method="post" action="/account/apps" data-form="withdraw-consent">
                <input type="hidden" name="csrf" value={viewer.csrf} />
                <input type="hidden" name="client_id" value={app.clientId} />
                <button type="submit" className="button danger">
                  {account.apps.withdraw}
                  <span className="sr-only">{account.apps.withdrawSuffix(app.name)}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </Shell>
  );
}
