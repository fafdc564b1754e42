import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../../test/support/prometheus';
import { Registry } from './metrics';
import { startMetricsListener, type MetricsListener } from './metrics-server';

describe('the metrics listener', () => {
  let listener: MetricsListener;
  let base: string;
  beforeAll(async () => {
    const registry = new Registry();
    registry.counter('scrapes_total', 'Scrapes.').inc({});
    listener = await startMetricsListener(registry, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${listener.port}`;
  });
  afterAll(() => listener.close());

  it('serves GET /metrics in the Prometheus text format', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(parseExposition(await response.text()).value('scrapes_total')).toBe(1);
  });

  it('answers HEAD without a body, other methods with 405 and other paths with 404', async () => {
    const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/oauth/token`)).status).toBe(404);
  });

  it('fails to start, rather than hiding, when its port is taken', async () => {
    await expect(startMetricsListener(new Registry(), { port: listener.port, host: '127.0.0.1' })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
