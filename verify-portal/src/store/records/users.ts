/** People who sign in at the portal. */

export interface UserRecord {
  id: string;
  /** Stored lower-cased; look-ups are case-insensitive. */
  email: string;
  name: string;
  /** scrypt hash in PHC-like form, see `src/crypto/password.ts`. */
  passwordHash: string;
  createdAt: number;
}

export interface UserStore {
  /** @throws StoreConflictError if the email is taken. */
  createUser(user: UserRecord): Promise<void>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  findUserById(id: string): Promise<UserRecord | undefined>;
  /** Replaces the user's password hash (a stronger hash of the same password, made at sign-in). */
  updatePasswordHash(userId: string, passwordHash: string): Promise<void>;
  countUsers(): Promise<number>;
}
