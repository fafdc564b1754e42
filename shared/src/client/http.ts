/**
 * The request side shared by every client step: options, client authentication and a form POST.
 * Like oauth4webapi, each step takes its `fetch` and `signal` explicitly and keeps no state.
 */
import type { AuthorizationServerMetadata } from '../protocol/metadata';
import { base64Encode } from '../encoding';

/** The part of `fetch` the client uses; `globalThis.fetch` fits, and so does a test double. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface RequestOptions {
  /** Defaults to `globalThis.fetch`, looked up at call time. */
  fetch?: FetchLike;
  /** Aborts the request; `fetch` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Extra request headers (e.g. a `User-Agent` for a kiosk). */
  headers?: Record<string, string>;
}

/** An OAuth client as the server registered it. A secret makes it confidential. */
export interface OAuthClient {
  client_id: string;
  client_secret?: string;
}

type EndpointName =
  | 'token_endpoint'
  | 'device_authorization_endpoint'
  | 'revocation_endpoint'
  | 'userinfo_endpoint'
  | 'authorization_endpoint';

/** The endpoint URL, or an error naming what the server's metadata lacks. */
export function endpoint(metadata: AuthorizationServerMetadata, name: EndpointName): string {
  const url = metadata[name];
  if (typeof url !== 'string' || url.length === 0) {
    throw new Error(`The authorization server metadata has no ${name}.`);
  }
  return url;
}

/** WHATWG application/x-www-form-urlencoded serialisation of one value ('a b' → 'a+b'). */
function formUrlEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * RFC 6749 §2.3.1: a confidential client sends HTTP Basic with the form-urlencoded id and secret
 * (so ':' in an id and non-ASCII survive); a public client sends only `client_id` in the body.
 * Never both: §2.3 forbids more than one authentication method per request.
 */
function authenticate(client: OAuthClient, body: URLSearchParams, headers: Record<string, string>): void {
  if (typeof client.client_secret === 'string' && client.client_secret.length > 0) {
    headers.Authorization = `Basic ${base64Encode(`${formUrlEncode(client.client_id)}:${formUrlEncode(client.client_secret)}`)}`;
  } else {
    body.set('client_id', client.client_id);
  }
}

export function resolveFetch(options: RequestOptions): FetchLike {
  // Wrapped so it is called unbound at call time: some browsers throw "Illegal invocation" for
  // a detached `fetch` with the wrong `this`, and tests may replace the global after import.
  return options.fetch ?? ((url, init) => globalThis.fetch(url, init));
}

/**
 * POSTs a form to an OAuth endpoint (RFC 6749 §3.2: x-www-form-urlencoded, JSON answer).
 * Redirects are not followed: a token endpoint has no reason to redirect, and following one
 * would replay credentials somewhere else.
 */
export function postForm(
  url: string,
  client: OAuthClient,
  params: Record<string, string | undefined>,
  options: RequestOptions = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) body.set(name, value);
  const headers: Record<string, string> = {
    ...options.headers,
    'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
    Accept: 'application/json',
  };
  authenticate(client, body, headers);
  return resolveFetch(options)(url, {
    method: 'POST',
    headers,
    body: body.toString(),
    redirect: 'manual',
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
