/**
 * The one storage interface of the authorization server, composed of one part per concept
 * (`records/`: each file holds a concept's records and its methods). Two implementations pass
 * the same contract tests (`contract/`): SQLite (`sqlite/`, the embedded default) and PostgreSQL
 * (`postgres/`, for several instances behind a load balancer), each with one module per concept.
 * This file is the store's public surface: callers outside `store/` import the interface and the
 * records they use from here.
 *
 * Conventions: times are epoch milliseconds; ids are opaque strings; secrets (device codes,
 * refresh tokens, authorization codes) are only ever passed in as hashes; list-valued fields are
 * arrays here and whatever suits the database underneath.
 *
 * Every method whose name says it changes state "if" something holds does so in one atomic
 * step (a conditional UPDATE or a transaction), never read-then-write, because several polls,
 * refreshes or instances may race.
 */
import type { AuthorizationStore } from './records/authorization';
import type { ClientStore } from './records/clients';
import type { DatabaseStore } from './records/database';
import type { DeviceCodeStore } from './records/device-codes';
import type { GrantStore } from './records/grants';
import type { SigningKeyStore } from './records/keys';
import type { LimitStore } from './records/limits';
import type { SessionStore } from './records/sessions';
import type { UserStore } from './records/users';

export interface Store
  extends DatabaseStore,
    UserStore,
    ClientStore,
    DeviceCodeStore,
    GrantStore,
    AuthorizationStore,
    SigningKeyStore,
    SessionStore,
    LimitStore {}

export { StoreConflictError } from './conflict';
export type { AuthorizationCodeRecord, AuthorizationRequestRecord } from './records/authorization';
export { withClientDefaults } from './records/clients';
export type { ClientAuthMethod, ClientRecord, ClientRegistration, ProximityPolicy, UserCodeKind } from './records/clients';
export type { ApprovalCheck, DeviceCodeRecord, DeviceDecision, NumberMatch, Proximity } from './records/device-codes';
export type { GrantRecord, RefreshTokenRecord } from './records/grants';
export type { SigningKeyRecord } from './records/keys';
export type { RateLimitCounts, ThrottleState } from './records/limits';
export type { SessionRecord } from './records/sessions';
export type { UserRecord } from './records/users';
