/** The authorization server's own signing keys (JWKS, RFC 7517). */

export interface SigningKeyRecord {
  kid: string;
  alg: 'ES256';
  /** JSON of the private JWK. */
  privateJwk: string;
  /** JSON of the public JWK (with kid, alg, use). */
  publicJwk: string;
  createdAt: number;
}

export interface SigningKeyStore {
  insertSigningKey(key: SigningKeyRecord): Promise<void>;
  /** Newest first (by `createdAt`, then insertion order). */
  listSigningKeys(limit: number): Promise<SigningKeyRecord[]>;
  /** Replaces a key's stored private JWK (re-encryption) only if it still is `from`; false otherwise. */
  replaceSigningKeyPrivateJwk(kid: string, from: string, to: string): Promise<boolean>;
}
