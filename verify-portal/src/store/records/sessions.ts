/** Portal sessions: who is signed in on a phone or laptop, and the flow state of that browser. */

/**
 * A signed-in person's portal session. The cookie holds a random 256-bit id; the store holds
 * only its SHA-256, so a leaked database cannot be replayed as cookies.
 */
export interface SessionRecord {
  /** SHA-256 (base64url) of the session id. */
  idHash: string;
  userId: string;
  /** When the person entered their password (OIDC `auth_time`). */
  authTime: number;
  createdAt: number;
  expiresAt: number;
  /** A small JSON object of flow state (the code being confirmed, the last result); opaque to the store. */
  data: string;
}

export interface SessionStore {
  /**
   * Stores the session and, in the same step, deletes this user's sessions beyond the newest
   * `maxPerUser` live ones (expired ones too), so a sign-in never leaves more than that: the
   * oldest goes on the one-more sign-in.
   * @throws StoreConflictError if a session with this id hash exists.
   */
  createSession(session: SessionRecord, maxPerUser: number): Promise<void>;
  /** The session, if it exists and has not expired at `now`. */
  findSession(idHash: string, now: number): Promise<SessionRecord | undefined>;
  /** Replaces the session's `data`; false if it is unknown or expired at `now`. */
  updateSessionData(idHash: string, data: string, now: number): Promise<boolean>;
  /** Deletes the session (sign-out). Deleting an unknown session is not an error. */
  deleteSession(idHash: string): Promise<void>;
}
