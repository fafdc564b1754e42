import type { Migration } from '../migration';

/**
 * How a pending authorization request must be answered (PostgreSQL). A request waiting on the
 * consent screen may be for the implicit or hybrid flow, whose answer is not a query redirect
 * but an auto-submitted form (OAuth 2.0 Form Post Response Mode); Allow or Cancel must answer
 * it the same way.
 *
 * authorization_requests gains:
 *   response_type  as asked (OAuth 2.0 Multiple Response Type Encoding Practices §3), e.g.
 *                  "code" or "code id_token"; rows from before are "code";
 *   response_mode  "query" or "form_post"; rows from before are "query".
 */
export const migration: Migration = {
  version: 5,
  name: 'authorization-response',
  sql: `
ALTER TABLE authorization_requests ADD COLUMN response_type TEXT NOT NULL DEFAULT 'code';
ALTER TABLE authorization_requests ADD COLUMN response_mode TEXT NOT NULL DEFAULT 'query';
`,
};
