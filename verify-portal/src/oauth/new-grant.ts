import type { GrantRecord } from '../store/store';

/**
 * The record of a sign-in that has just been granted (a device approval, a code redemption, an
 * implicit answer, a password sign-in): live, used now, with an id of its own unless the caller
 * fixed one earlier (an authorization code carries its grant's id from issuance).
 */
export function newGrant(
  fields: Pick<GrantRecord, 'userId' | 'clientId' | 'scope' | 'authTime'> & Partial<Pick<GrantRecord, 'id' | 'deviceName' | 'deviceModel'>>,
  now: number,
): GrantRecord {
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
  };
}
