import { OAuthError, toErrorResponse } from '@pairgate/shared';
import { defaults } from '../../defaults';
import { readFetchBody } from '../../server/body';
import type { OAuthRequest, OAuthResponse } from './types';

/**
 * Serves a Fetch `Request` with the core's `handle` function — for tests and hosts that speak
 * Fetch (edge runtimes, Next.js route handlers). `clientAddress` comes from the host.
 */
export async function serveFetch(
  handle: (req: OAuthRequest) => Promise<OAuthResponse>,
  request: Request,
  clientAddress: string,
): Promise<Response> {
  let response: OAuthResponse;
  try {
    response = await handle(await toOAuthRequest(request, clientAddress));
  } catch (thrown) {
    response = toErrorResponse(thrown);
  }
  const headers = new Headers(response.headers);
  headers.set('X-Content-Type-Options', 'nosniff');
  if (response.html !== undefined) {
    headers.set('Content-Type', 'text/html; charset=utf-8');
    return new Response(response.html, { status: response.status, headers });
  }
  if (response.body === undefined) return new Response(null, { status: response.status, headers });
  headers.set('Content-Type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(response.body), { status: response.status, headers });
}

async function toOAuthRequest(request: Request, clientAddress: string): Promise<OAuthRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  let form: URLSearchParams | undefined;
  if (request.method === 'POST') {
    const body = await readFetchBody(request.body, defaults.maxBodyBytes);
    if (!body.ok) throw new OAuthError('invalid_request', 'The request body is too large.', { status: 413 });
    const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type === 'application/x-www-form-urlencoded') form = new URLSearchParams(body.text);
  }
  return { method: request.method, path: url.pathname, headers, query: url.searchParams, form, clientAddress };
}
