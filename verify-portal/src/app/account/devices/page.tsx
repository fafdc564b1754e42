import type { Metadata } from 'next';
import { requireSession, takeFlash } from '../../../portal/page-session';
import { portalServices } from '../../../portal/services';
import { account, formatDateTime } from '../../../portal/strings/account';
import { ScopeList } from '../../_ui/scopes';
import { Notice, Shell } from '../../_ui/shell';

export const metadata: Metadata = { title: account.title };

/**
 * GET /account/devices, "Devices and apps": the grants of this account, each with "Sign out
 * this device", and the apps the person allowed (remembered consents), each with "Withdraw".
 */
export default async function DevicesPage() {
  const session = await requireSession('/account/devices');
  const flash = await takeFlash(session);
  const { store, provider } = portalServices();
  const [grants, clients, consents] = await Promise.all([
    store.listActiveGrants(session.record.userId),
    store.listClients(),
    store.listConsents(session.record.userId),
  ]);
  const clientName = new Map(clients.map((c) => [c.clientId, c.name]));
  const minutes = Math.round(provider.context.settings.accessTokenTtlSeconds / 60);

  return (
    <Shell session={session}>
      <h1>{account.title}</h1>
      <p>{account.lead}</p>
      <p className="hint">{account.tokenNote(minutes)}</p>
      {flash === 'device-signed-out' && <Notice kind="info">{account.signedOutDevice}</Notice>}
      {flash === 'device-not-found' && <Notice kind="info">{account.deviceNotFound}</Notice>}
      {flash === 'consent-withdrawn' && <Notice kind="info">{account.apps.withdrawn}</Notice>}
      {flash === 'consent-not-found' && <Notice kind="info">{account.apps.notFound}</Notice>}
      <h2>{account.devicesHeading}</h2>
      {grants.length === 0 ? (
        <p>{account.none}</p>
      ) : (
        <ul className="devices">
          {grants.map((grant) => {
            // Desktop sign-ins (authorization code) and unnamed devices: the app names them.
            const app = clientName.get(grant.clientId) ?? grant.clientId;
            const name = grant.deviceName ?? grant.deviceModel ?? app;
            const named = name !== app;
            return (
              <li key={grant.id} className="device">
                <h3>{name}</h3>
                <dl className="facts">
                  {named && (
                    <div>
                      <dt>{account.app}</dt>
                      <dd>{app}</dd>
                    </div>
                  )}
                  {grant.deviceModel && grant.deviceName && (
                    <div>
                      <dt>{account.model}</dt>
                      <dd>{grant.deviceModel}</dd>
                    </div>
                  )}
                  <div>
                    <dt>{account.approved}</dt>
                    <dd>{formatDateTime(grant.createdAt)}</dd>
                  </div>
                  <div>
                    <dt>{account.lastUsed}</dt>
                    <dd>{grant.lastUsedAt ? formatDateTime(grant.lastUsedAt) : account.neverUsed}</dd>
                  </div>
                </dl>
                <form method="post" action="/account/devices" data-form="device-sign-out">
                  <input type="hidden" name="csrf" value={session.csrf} />
                  <input type="hidden" name="grant_id" value={grant.id} />
                  <button type="submit" className="button danger">
                    {named ? account.signOutDevice : account.signOutApp}
                    <span className="sr-only">{account.signOutDeviceSuffix(name)}</span>
                  </button>
                </form>
              </li>
            );
          })}
        </ul>
      )}

      <h2 id="apps">{account.apps.heading}</h2>
      <p>{account.apps.lead}</p>
      {consents.length === 0 ? (
        <p>{account.apps.none}</p>
      ) : (
        <ul className="devices" aria-labelledby="apps">
          {consents.map((c) => {
            const app = clientName.get(c.clientId) ?? c.clientId;
            return (
              <li key={c.clientId} className="device" data-consent={c.clientId}>
                <h3>{app}</h3>
                <dl className="facts">
                  <div>
                    <dt>{account.apps.allowed}</dt>
                    <dd>{formatDateTime(c.updatedAt)}</dd>
                  </div>
                  <div>
                    <dt>{account.apps.canDo}</dt>
                    <dd>
                      <ScopeList scopes={c.scope.split(' ').filter(Boolean)} />
                    </dd>
                  </div>
                </dl>
                <form method="post" action="/account/apps" data-form="withdraw-consent">
                  <input type="hidden" name="csrf" value={session.csrf} />
                  <input type="hidden" name="client_id" value={c.clientId} />
                  <button type="submit" className="button danger">
                    {account.apps.withdraw}
                    <span className="sr-only">{account.apps.withdrawSuffix(app)}</span>
                  </button>
                </form>
              </li>
            );
          })}
        </ul>
      )}
    </Shell>
  );
}
