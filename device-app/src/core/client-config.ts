/**
 * The part of the configuration the session controller needs, and the only part the web host's
 * page is given (inlined in the page): nothing secret, public clients only (RFC 8628 §5.6: a
 * device cannot keep a secret). Each key is documented in `../defaults.ts`; its schema is the
 * app's one schema (`config-schema.ts`), so the page checks what it is given exactly as the
 * server checked the file, env and flags it came from.
 */
import * as v from 'valibot';
import { settings } from './config-schema';

export const clientConfigSchema = v.object(
  {
    issuer: settings.issuer,
    clientId: settings.clientId,
    scope: settings.scope,
    deviceName: settings.deviceName,
    deviceModel: settings.deviceModel,
    devicesApi: v.optional(settings.devicesApi),
  },
  'is not a JSON object.',
);

export type ClientConfig = v.InferOutput<typeof clientConfigSchema>;

/** Reads a ClientConfig from untrusted JSON (the web host's page); throws a TypeError saying what is wrong. */
export function parseClientConfig(value: unknown): ClientConfig {
  const result = v.safeParse(clientConfigSchema, value, { abortPipeEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const key = issue.path?.[0]?.key;
  throw new TypeError(`The kiosk configuration${typeof key === 'string' ? `'s "${key}"` : ''} ${issue.message}`);
}
