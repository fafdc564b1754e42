/**
 * What the authorization endpoint can answer with — the registry discovery reads
 * (`response_types_supported`, `response_modes_supported`), like `grants/index.ts` for grant
 * types. Whoever adds a response type or mode to the authorization endpoint adds it here, in the
 * same change, and discovery follows. Each stays per-client opt-in (`ClientRecord.responseTypes`).
 */

/** RFC 6749 §3.1.1 (and OAuth 2.0 Multiple Response Type Encoding Practices for combinations). */
export const supportedResponseTypes: readonly string[] = ['code'];

/** OAuth 2.0 Multiple Response Type Encoding Practices §2.1 / Form Post Response Mode. */
export const supportedResponseModes: readonly string[] = ['query'];
