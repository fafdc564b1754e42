import type { Metadata } from 'next';
import { requireSession, takeFlash } from '../../../portal/page-session';
import { portalServices } from '../../../portal/services';
import { account, formatDateTime } from '../../../portal/strings/account';
import { Notice, Shell } from '../../_ui/shell';

export const metadata: Metadata = { title: account.title };

/** GET /account/devices: the grants of this account, each with "Sign out this device". */
export default async function DevicesPage() {
  const session = await requireSession('/account/devices');
  const flash = await takeFlash(session);
  const { store, provider } = portalServices();
  const [grants, clients] = await Promise.all([store.listActiveGrants(session.record.userId), store.listClients()]);
  const clientName = new Map(clients.map((c) => [c.clientId, c.name]));
  const minutes = Math.round(provider.context.settings.accessTokenTtlSeconds / 60);

  return (
    <Shell session={session}>
      <h1>{account.title}</h1>
      <p>{account.lead}</p>
      <p className="hint">{account.tokenNote(minutes)}</p>
      {flash === 'device-signed-out' && <Notice kind="info">{account.signedOutDevice}</Notice>}
      {flash === 'device-not-found' && <Notice kind="info">{account.deviceNotFound}</Notice>}
      {grants.length === 0 ? (
        <p>{account.none}</p>
      ) : (
        <ul className="devices">
          {grants.map((grant) => {
            const name = grant.deviceName ?? grant.deviceModel ?? account.unnamedDevice;
            return (
              <li key={grant.id} className="device">
                <h2>{name}</h2>
                <dl className="facts">
                  <div>
                    <dt>{account.app}</dt>
                    <dd>{clientName.get(grant.clientId) ?? grant.clientId}</dd>
                  </div>
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
                    {account.signOutDevice}
                    <span className="sr-only">{account.signOutDeviceSuffix(name)}</span>
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
