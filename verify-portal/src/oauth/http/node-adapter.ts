import type { IncomingMessage, ServerResponse } from 'node:http';
import { OAuthError, oauthError, toErrorResponse } from '@pairgate/shared';
import { defaults } from '../../defaults';
import { normalizeAddress } from '../../net/address';
import { readBody } from '../../server/body';
import { parseRequestTarget } from '../../server/request-target';
import type { OAuthRequest, OAuthResponse } from './types';

export interface NodeAdapterOptions {
  /** Trust the first `X-Forwarded-For` hop for the client address (behind a known proxy only). */
  trustProxy: boolean;
  maxBodyBytes?: number;
}

/**
 * Serves one request from Node's `http` server with the core's `handle` function. This is the
 * production path: no Fetch objects, no framework (see DESIGN.md for the measured reasons).
 */
export async function serveNode(
  handle: (req: OAuthRequest) => Promise<OAuthResponse>,
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeAdapterOptions,
): Promise<void> {
  let response: OAuthResponse;
  try {
    response = await handle(await toOAuthRequest(req, res, options));
  } catch (thrown) {
    // Body too large / anything unexpected: an OAuth error body, never a stack.
    const { status, headers, body } = toErrorResponse(thrown);
    response = { status, headers, body };
  }
  writeNode(res, response);
}

async function toOAuthRequest(req: IncomingMessage, res: ServerResponse, options: NodeAdapterOptions): Promise<OAuthRequest> {
  const url = parseRequestTarget(req.url);
  if (!url) throw oauthError.invalidRequest('The request target must be a path.');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  let form: URLSearchParams | undefined;
  if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
    const body = await readBody(req, res, options.maxBodyBytes ?? defaults.maxBodyBytes);
    if (!body.ok) {
      // RFC 9110 §15.5.14. An aborted upload gets an answer nobody will read.
      throw body.reason === 'too-large' ? new OAuthError('invalid_request', 'The request body is too large.', { status: 413 }) : oauthError.invalidRequest('The request body ended early.');
    }
    const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type === 'application/x-www-form-urlencoded') form = new URLSearchParams(body.text);
  }
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    headers,
    query: url.searchParams,
    form,
    clientAddress: clientAddressOf(req, options.trustProxy),
  };
}

/** The client's address: the socket's, or the first `X-Forwarded-For` hop behind a trusted proxy. */
export function clientAddressOf(req: IncomingMessage, trustProxy: boolean): string {
  const header = req.headers['x-forwarded-for'];
  const forwarded = trustProxy ? (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim() : undefined;
  return normalizeAddress(forwarded || req.socket.remoteAddress || '');
}

function writeNode(res: ServerResponse, response: OAuthResponse): void {
  if (res.headersSent) return;
  const payload = response.html ?? (response.body === undefined ? '' : JSON.stringify(response.body));
  const headers: Record<string, string | number> = { ...response.headers };
  if (response.html !== undefined) headers['Content-Type'] = 'text/html; charset=utf-8';
  else if (response.body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
  headers['Content-Length'] = Buffer.byteLength(payload);
  headers['X-Content-Type-Options'] = 'nosniff';
  res.writeHead(response.status, headers);
  res.end(payload);
}
