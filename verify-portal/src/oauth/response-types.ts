/**
 * What the authorization endpoint can answer with — the registry it dispatches on and discovery
 * reads (`response_types_supported`, `response_modes_supported`), like `grants/index.ts` for
 * grant types. Whoever adds a response type or mode adds it here, and discovery follows. Each
 * type stays per-client opt-in (`ClientRecord.responseTypes`, `["code"]` by default): the
 * legacy implicit and hybrid types are off unless a client enables them (RFC 9700 §2.1.2).
 */

/** What one response carries from the authorization endpoint itself. */
export interface ResponseTypeSpec {
  /** An authorization code (RFC 6749 §4.1.2), redeemed at the token endpoint. */
  readonly code: boolean;
  /** An ID token (OIDC Core §3.2.2.5, §3.3.2.5), with `c_hash` / `at_hash` for what travels with it. */
  readonly idToken: boolean;
  /** An access token (RFC 6749 §4.2.2); never a refresh token from this endpoint. */
  readonly token: boolean;
  /** The modes this type may be answered in; the first is the default when none is asked. */
  readonly modes: readonly ResponseMode[];
  /**
   * Whether `response_mode` must be sent. The default mode of every type that returns tokens is
   * `fragment` (OAuth 2.0 Multiple Response Type Encoding Practices §5), which this server never
   * uses — tokens would sit in the browser's URL and history — so those types must ask for
   * `form_post` (OAuth 2.0 Form Post Response Mode §2) explicitly.
   */
  readonly modeRequired: boolean;
}

/**
 * `query` (RFC 6749 §4.1.2, for codes only) and `form_post` (OAuth 2.0 Form Post Response Mode:
 * the parameters are POSTed to the redirect URI by an auto-submitting form, nothing in a URL).
 */
export type ResponseMode = 'query' | 'form_post';

const formPostOnly = { modes: ['form_post'], modeRequired: true } as const;

/**
 * Keyed by the canonical spelling (values in the order `code id_token token`); the values of a
 * `response_type` may come in any order (Multiple Response Type Encoding Practices §5). Pure
 * OAuth implicit (`token` alone) is not here: it returns no ID token to bind the access token to
 * and RFC 9700 §2.1.2 says not to use it.
 */
export const responseTypeRegistry: Readonly<Record<string, ResponseTypeSpec>> = {
  // RFC 6749 §4.1; form_post keeps even the code out of the URL when the client asks for it.
  code: { code: true, idToken: false, token: false, modes: ['query', 'form_post'], modeRequired: false },
  // OIDC Core §3.2 (implicit), answered by form post only.
  id_token: { code: false, idToken: true, token: false, ...formPostOnly },
  'id_token token': { code: false, idToken: true, token: true, ...formPostOnly },
  // OIDC Core §3.3 (hybrid), answered by form post only.
  'code id_token': { code: true, idToken: true, token: false, ...formPostOnly },
  'code token': { code: true, idToken: false, token: true, ...formPostOnly },
  'code id_token token': { code: true, idToken: true, token: true, ...formPostOnly },
};

const ORDER = ['code', 'id_token', 'token'];

/**
 * The canonical spelling of a `response_type` value (`token id_token` → `id_token token`), or
 * undefined when it is malformed (a value repeated, or one this server has never heard of).
 * Whether it is supported at all is a separate look-up in the registry.
 */
export function canonicalResponseType(value: string): string | undefined {
  const values = value.split(' ');
  if (values.some((v) => !ORDER.includes(v)) || new Set(values).size !== values.length) return undefined;
  return values.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)).join(' ');
}

/** RFC 6749 §3.1.1 and Multiple Response Type Encoding Practices §3: what discovery lists. */
export const supportedResponseTypes: readonly string[] = Object.keys(responseTypeRegistry);

/** Every mode some registered type can be answered in (Form Post Response Mode §2, RFC 8414 §2). */
export const supportedResponseModes: readonly ResponseMode[] = [...new Set(Object.values(responseTypeRegistry).flatMap((t) => t.modes))];
