import type { GrantRecord } from '../store/store';

type GrantFields = Pick<GrantRecord, 'userId' | 'clientId' | 'scope' | 'authTime'> &
  Partial<Pick<GrantRecord, 'id' | 'deviceName' | 'deviceModel'>> & {
    /** From a device approval (see `oauth/proximity.ts`): the device's id, how it was approved, a limited grant's end. */
    deviceIdHash?: string | undefined;
    approval?: GrantRecord['approval'];
    refreshUntil?: number | undefined;
  };

/**
 * The record of a sign-in that has just been granted (a device approval, a code redemption, an
 * implicit answer, a password sign-in): live, used now, with an id of its own unless the caller
 * fixed one earlier (an authorization code or a device approval carries its grant's id).
 */
export function newGrant(fields: GrantFields, now: number): GrantRecord {
  return {
    id: fields.id ?? crypto.randomUUID(),
    userId: fields.userId,
    clientId: fields.clientId,
    scope: fields.scope,
    deviceName: fields.deviceName ?? null,
    deviceModel: fields.deviceModel ?? null,
    authTime: fields.authTime,
    createdAt: now,
    lastUsedAt: now,
    revokedAt: null,
    // Optional facets are left out when absent, as the store returns them.
    ...(fields.deviceIdHash === undefined ? {} : { deviceIdHash: fields.deviceIdHash }),
    ...(fields.approval === undefined ? {} : { approval: fields.approval }),
    ...(fields.refreshUntil === undefined ? {} : { refreshUntil: fields.refreshUntil }),
  };
}
