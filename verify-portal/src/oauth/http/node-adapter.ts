import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
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
  /** The request target, when the caller has parsed it already (the server's router has). */
  target?: URL,
): Promise<void> {
  let response: OAuthResponse;
  try {
    response = await handle(await toOAuthRequest(req, res, options, target));
  } catch (thrown) {
    // Body too large / anything unexpected: an OAuth error body, never a stack.
    const { status, headers, body } = toErrorResponse(thrown);
    response = { status, headers, body };
  }
  writeNode(res, response);
}

async function toOAuthRequest(req: IncomingMessage, res: ServerResponse, options: NodeAdapterOptions, target = parseRequestTarget(req.url)): Promise<OAuthRequest> {
  const url = target;
  if (!url) throw oauthError.invalidRequest('The request target must be a path.');
  const headers = singleValued(req.headers);
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

/**
 * Node joins repeated headers with ", " itself, except `set-cookie` (an array), which a request
 * has no business sending; only then is a copy made.
 */
function singleValued(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  if (headers['set-cookie'] === undefined) return headers as Record<string, string | undefined>;
  const joined: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) joined[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return joined;
}

/** Each connection's normalized peer address, worked out once: a kept-alive connection carries many requests. */
const peerAddresses = new WeakMap<Socket, string>();

/** The client's address: the socket's, or the first `X-Forwarded-For` hop behind a trusted proxy. */
export function clientAddressOf(req: IncomingMessage, trustProxy: boolean): string {
  const header = req.headers['x-forwarded-for'];
  const forwarded = trustProxy ? (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim() : undefined;
  if (forwarded) return normalizeAddress(forwarded);
  let peer = peerAddresses.get(req.socket);
  if (peer === undefined) {
    peer = normalizeAddress(req.socket.remoteAddress || '');
    peerAddresses.set(req.socket, peer);
  }
  return peer;
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
