/**
 * The floor: the least a device-flow server on Node's `http` must do for the two measured
 * requests, so each run shows what the machine and Node themselves cost, beside Pairgate and the
 * baseline. It reads the form, checks the grant type and client, keeps codes in a Map and answers
 * the same JSON the others answer (`Cache-Control: no-store`, RFC 8628 §3.2 and §3.5); it has no
 * user codes worth the name, no hashing, no limits, no logs, no metrics, no request ids, no
 * database. Nobody should run it: its only use is `floorRatio` (its req/s over the baseline's),
 * the highest ratio any server in Node could reach in that shape on this machine.
 *
 * Env: PORT (required), HOST (default 127.0.0.1), PAIRGATE_BENCH_POLL_INTERVAL_SECONDS (the
 * interval it hands out, as the bench portal does; default 5). Prints `floor ready on <issuer>`.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { CLIENT_ID, DEVICE_CODE_GRANT } from './common';
import { profileOnSignal } from './profiler';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error('PORT must be set');
const host = process.env.HOST || '127.0.0.1';
const issuer = `http://${host}:${port}`;
const interval = Number(process.env.PAIRGATE_BENCH_POLL_INTERVAL_SECONDS ?? 5);
const EXPIRES_IN = 600;

/** device_code → when it expires (ms). */
const codes = new Map<string, number>();

const discovery = JSON.stringify({
  issuer,
  device_authorization_endpoint: `${issuer}/device_authorization`,
  token_endpoint: `${issuer}/token`,
});

function answer(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const error = (code: string) => JSON.stringify({ error: code });

function handle(req: http.IncomingMessage, res: http.ServerResponse, form: URLSearchParams): void {
  if (req.method === 'GET' && req.url === '/.well-known/openid-configuration') return answer(res, 200, discovery);
  if (req.method !== 'POST') return answer(res, 404, error('not_found'));
  if (form.get('client_id') !== CLIENT_ID) return answer(res, 401, error('invalid_client'));
  if (req.url === '/device_authorization') {
    const deviceCode = randomBytes(32).toString('base64url');
    codes.set(deviceCode, Date.now() + EXPIRES_IN * 1000);
    const userCode = randomBytes(4).toString('hex').toUpperCase();
    return answer(
      res,
      200,
      JSON.stringify({ device_code: deviceCode, user_code: userCode, verification_uri: `${issuer}/activate`, expires_in: EXPIRES_IN, interval }),
    );
  }
  if (req.url === '/token') {
    if (form.get('grant_type') !== DEVICE_CODE_GRANT) return answer(res, 400, error('unsupported_grant_type'));
    const expiresAt = codes.get(form.get('device_code') ?? '');
    if (expiresAt === undefined) return answer(res, 400, error('invalid_grant'));
    return answer(res, 400, error(expiresAt < Date.now() ? 'expired_token' : 'authorization_pending'));
  }
  answer(res, 404, error('not_found'));
}

profileOnSignal();
const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
    if (body.length > 4096) req.destroy();
  });
  req.on('end', () => handle(req, res, new URLSearchParams(body)));
});
server.listen(port, host, () => process.stdout.write(`floor ready on ${issuer}\n`));
const shutdown = (): void => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
