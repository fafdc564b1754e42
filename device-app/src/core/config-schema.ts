/**
 * The one schema of the device app's configuration: what each setting accepts, what it becomes,
 * and the message when it is wrong. Every source goes through it — the config file, environment
 * variables and flags (`../config.ts`, Node) and the web host's page configuration (`parseClientConfig`,
 * in the browser) — so a value means the same wherever it was written. Isomorphic: no `node:`.
 *
 * Messages are the predicate of a sentence; the reader says whose value it was, e.g.
 * `issuer (from PAIRGATE_ISSUER) must be an absolute URL such as https://login.example.com, not "x".`
 */
import { checkIssuer } from '@pairgate/shared';
import * as v from 'valibot';

/** Longest device label kept; the portal truncates longer ones anyway. */
export const MAX_LABEL = 80;

const quoted = (value: unknown) => JSON.stringify(value);

/** A setting written as text: any string, trimmed; anything else is refused. */
const text = v.pipe(
  v.string((issue) => `must be a string, not ${quoted(issue.input)}.`),
  v.trim(),
);

/** Why a value was refused. */
class Refused {
  constructor(readonly message: string) {}
}
const refuse = (message: string) => new Refused(message);

/** A text setting parsed into T, or refused with one message (the first thing wrong). */
function textAs<T>(parse: (value: string) => T | Refused) {
  return v.pipe(
    text,
    v.rawTransform<string, T>(({ dataset, addIssue, NEVER }) => {
      const result = parse(dataset.value);
      if (!(result instanceof Refused)) return result;
      addIssue({ message: result.message });
      return NEVER;
    }),
  );
}

function parseHttpUrl(value: string, example: string): URL | Refused {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not repeated: a URL may carry a password.
    return refuse(`must be an absolute URL such as ${example}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse(`must use https (or http for local testing), not ${url.protocol}.`);
  return url;
}

/**
 * The issuer (RFC 8414 §2), by the one check both sides use (`checkIssuer` in shared): its
 * canonical spelling, which discovery compares as a string (§3.3). The refused value is never
 * repeated: it may carry a password.
 */
export const issuer = textAs<string>((value) => {
  const checked = checkIssuer(value);
  return checked.ok ? checked.issuer : refuse(`${checked.problem}.`);
});

/** RFC 6749 Appendix A.1: client_id is printable ASCII (VSCHAR). */
export const clientId = textAs<string>((value) => (/^[\x20-\x7e]+$/.test(value) ? value : refuse('must be printable ASCII and not empty.')));

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces. */
export const scope = textAs<string>((value) => {
  const tokens = value.split(/ +/).filter(Boolean);
  if (tokens.length === 0 || tokens.some((token) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(token))) {
    return refuse(`must be space-separated scope names such as "openid profile offline_access", not ${quoted(value)}.`);
  }
  return tokens.join(' ');
});

/** A name shown to the person approving (RFC 8628 §5.4): printable, and short enough to show. */
export const label = textAs<string>((value) =>
  value.length === 0 || value.length > MAX_LABEL || /\p{Cc}/u.test(value) ? refuse(`must be 1 to ${MAX_LABEL} printable characters.`) : value,
);

/** The devices API: a URL, or `off` (also `none`, `false`, `no`). */
export const devicesApi = textAs<string>((value) => {
  if (/^(off|none|false|no)$/i.test(value)) return 'off';
  const url = parseHttpUrl(value, 'https://login.example.com/api/devices, or "off"');
  if (url instanceof Refused) return url;
  if (url.hash || url.username || url.password) return refuse('must not contain a fragment, user name or password.');
  return url.href;
});

export const MODES = ['kiosk', 'desktop'] as const;
export type Mode = (typeof MODES)[number];

export const mode = textAs<Mode>((value) => MODES.find((known) => known === value) ?? refuse(`must be "kiosk" or "desktop", not ${quoted(value)}.`));

/** A host name or an IP address to listen on. */
export const host = textAs<string>((value) => (/^[A-Za-z0-9.:\-[\]]+$/.test(value) ? value : refuse(`must be a host name or IP address, not ${quoted(value)}.`)));

/** true/false, and the words people write for them in env vars and files. */
export const flag = v.pipe(
  v.unknown(),
  v.rawTransform<unknown, boolean>(({ dataset, addIssue, NEVER }) => {
    const value = dataset.value;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(1|true|yes|on)$/i.test(value.trim())) return true;
    if (typeof value === 'string' && /^(0|false|no|off)$/i.test(value.trim())) return false;
    addIssue({ message: `must be true or false, not ${quoted(value)}.` });
    return NEVER;
  }),
);

/** A TCP port; 0 picks a free one. */
export const port = v.pipe(
  v.unknown(),
  v.rawTransform<unknown, number>(({ dataset, addIssue, NEVER }) => {
    const value = dataset.value;
    const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number === 'number' && Number.isInteger(number) && number >= 0 && number <= 65535) return number;
    addIssue({ message: `must be a whole number from 0 to 65535, not ${quoted(value)}.` });
    return NEVER;
  }),
);

/** Every setting and the schema of its value (documented in `../defaults.ts`). */
export const settings = {
  issuer,
  clientId,
  scope,
  deviceName: label,
  deviceModel: label,
  devicesApi,
  mode,
  kiosk: flag,
  allowPlaintextTokens: flag,
  webPort: port,
  webHost: host,
} as const;

export type SettingKey = keyof typeof settings;
export type SettingValue<K extends SettingKey> = v.InferOutput<(typeof settings)[K]>;

/** Checks one setting's value; `abortPipeEarly`: one message per setting, the first thing wrong. */
export function checkSetting<K extends SettingKey>(key: K, value: unknown): { ok: true; value: SettingValue<K> } | { ok: false; message: string } {
  const result = v.safeParse(settings[key], value, { abortPipeEarly: true });
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, message: result.issues[0].message };
}
