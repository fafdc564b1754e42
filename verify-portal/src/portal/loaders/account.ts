import { isLimited } from '../../oauth/proximity';
import type { GrantRecord } from '../../store/store';
import type { FormContext } from '../forms/types';
import type { AccountNotice, AccountOverview, DeviceRow, PageRequest } from './types';
import { signedIn, SIGNED_OUT, takeFlash } from './viewer';

const ACCOUNT_NOTICES = new Set<string>(['device-signed-out', 'device-disowned', 'device-not-found', 'signed-out-everywhere', 'consent-withdrawn', 'consent-not-found']);

/**
 * GET /account/devices, "Devices and apps": this person's sign-ins (devices and desktop apps),
 * the apps they allowed, and how soon a sign-out takes effect.
 */
export async function accountOverview(ctx: FormContext, req: PageRequest): Promise<AccountOverview> {
  const signed = await signedIn(ctx, req);
  if (!signed) return SIGNED_OUT;
  const { session, viewer } = signed;
  const { flash } = await takeFlash(ctx, session, req.now);
  const userId = session.record.userId;
  const [grants, clients, consents] = await Promise.all([ctx.store.listActiveGrants(userId), ctx.store.listClients(), ctx.store.listConsents(userId)]);
  const appName = new Map(clients.map((c) => [c.clientId, c.name]));
  const clientById = new Map(clients.map((c) => [c.clientId, c]));

  const devices = grants.map((grant): DeviceRow => {
    const app = appName.get(grant.clientId) ?? grant.clientId;
    // One name per card: the device's own; an unnamed device or a desktop sign-in goes by its model or app.
    const name = grant.deviceName ?? grant.deviceModel ?? app;
    const named = grant.deviceName !== null;
    return {
      grantId: grant.id,
      name,
      app: name !== app ? app : undefined,
      model: named && grant.deviceModel ? grant.deviceModel : undefined,
      approvedAt: grant.createdAt,
      lastUsedAt: grant.lastUsedAt,
      approvedFrom: approvedFrom(grant),
      limited: grant.approval !== undefined && isLimited(grant.approval) && (grant.refreshUntil !== undefined || (clientById.get(grant.clientId)?.remoteScopes ?? null) !== null),
    };
  });
  const apps = consents.map((c) => ({ clientId: c.clientId, name: appName.get(c.clientId) ?? c.clientId, allowedAt: c.updatedAt, scopes: c.scope.split(' ').filter(Boolean) }));

  return {
    kind: 'account',
    viewer,
    notice: flash && ACCOUNT_NOTICES.has(flash) ? (flash as AccountNotice) : undefined,
    tokenMinutes: Math.round(ctx.provider.context.settings.accessTokenTtlSeconds / 60),
    devices,
    apps,
    now: req.now,
  };
}

/** How a device approval was made (RFC 10027), as "Devices and apps" shows it; undefined for other sign-ins. */
function approvedFrom(grant: GrantRecord): DeviceRow['approvedFrom'] {
  const approval = grant.approval;
  if (!approval) return undefined;
  if (approval.proximity === 'remote') return approval.numberMatched ? 'remote-matched' : 'remote';
  return approval.proximity;
}
