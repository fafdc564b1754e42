/** A scripted stand-in for `fetch`: unit tests of pure request/process code need no server. */
import type { FetchLike } from '../../src/client/http';

export interface RecordedCall {
  url: string;
  method: string;
  headers: Headers;
  /** The form body, parsed (empty for GET). */
  form: URLSearchParams;
  init: RequestInit;
}

export type FakeFetch = FetchLike & { calls: RecordedCall[] };

export function fakeFetch(handler: (call: RecordedCall) => Response | Promise<Response>): FakeFetch {
  const calls: RecordedCall[] = [];
  const fn = async (url: string, init: RequestInit): Promise<Response> => {
    const call: RecordedCall = {
      url,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      form: new URLSearchParams(typeof init.body === 'string' ? init.body : ''),
      init,
    };
    calls.push(call);
    return handler(call);
  };
  return Object.assign(fn, { calls });
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

export function htmlResponse(status: number): Response {
  return new Response('<html><body>Bad Gateway</body></html>', { status, headers: { 'Content-Type': 'text/html' } });
}
