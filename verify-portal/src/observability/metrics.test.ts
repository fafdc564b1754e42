import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../test/support/prometheus';
import { Registry } from './metrics';
import { createPortalMetrics } from './portal-metrics';
import { methodOf, routeOf } from './routes';

describe('Registry.render (Prometheus text format 0.0.4)', () => {
  it('writes HELP, TYPE and samples of counters, gauges and histograms', () => {
    const registry = new Registry();
    const counter = registry.counter('jobs_total', 'Jobs done.', ['kind']);
    counter.inc({ kind: 'a' });
    counter.inc({ kind: 'a' }, 2);
    counter.init({ kind: 'b' });
    registry.gauge('queue_length', 'Jobs waiting.', () => 7);
    const histogram = registry.histogram('job_seconds', 'Job time.', [0.1, 1]);
    for (const seconds of [0.05, 0.1, 0.5, 3]) histogram.observe({}, seconds);

    expect(registry.render()).toBe(
      [
        '# HELP jobs_total Jobs done.',
        '# TYPE jobs_total counter',
        'jobs_total{kind="a"} 3',
        'jobs_total{kind="b"} 0',
        '# HELP queue_length Jobs waiting.',
        '# TYPE queue_length gauge',
        'queue_length 7',
        '# HELP job_seconds Job time.',
        '# TYPE job_seconds histogram',
        'job_seconds_bucket{le="0.1"} 2',
        'job_seconds_bucket{le="1"} 3',
        'job_seconds_bucket{le="+Inf"} 4',
        'job_seconds_sum 3.65',
        'job_seconds_count 4',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values and help text', () => {
    const registry = new Registry();
    registry.counter('odd_total', 'Back\\slash and\nnewline.', ['v']).inc({ v: 'a "quoted" \\ value\nwith a newline' });
    const text = registry.render();
    expect(text).toContain('# HELP odd_total Back\\\\slash and\\nnewline.');
    expect(text).toContain('odd_total{v="a \\"quoted\\" \\\\ value\\nwith a newline"} 1');
    expect(parseExposition(text).value('odd_total', { v: 'a "quoted" \\ value\nwith a newline' })).toBe(1);
  });

  it('refuses names Prometheus would reject, a second metric of a name, and falling buckets', () => {
    const registry = new Registry();
    expect(() => registry.counter('bad-name', 'x')).toThrow(/invalid metric name/);
    expect(() => registry.counter('ok_total', 'x', ['__reserved'])).toThrow(/invalid label name/);
    registry.counter('twice_total', 'x');
    expect(() => registry.counter('twice_total', 'x')).toThrow(/already registered/);
    expect(() => registry.histogram('h', 'x', [1, 0.5])).toThrow(/increase/);
    expect(() => registry.histogram('h2', 'x', [1], ['le'])).toThrow(/bucket label/);
  });
});

describe('parseExposition (the tests’ reader) is strict', () => {
  it.each([
    ['a sample before its TYPE', 'x 1\n'],
    ['a sample of another family', '# TYPE a counter\nb 1\n'],
    ['a bad value', '# TYPE a counter\na one\n'],
    ['a repeated series', '# TYPE a counter\na{k="1"} 1\na{k="1"} 2\n'],
    ['unterminated labels', '# TYPE a counter\na{k="1} 1\n'],
    ['falling buckets', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['a missing newline at the end', '# TYPE a counter\na 1'],
  ])('rejects %s', (_what, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});

describe('createPortalMetrics', () => {
  it('exposes every documented metric, parseable, with device code outcomes at 0 from the start', () => {
    const metrics = createPortalMetrics();
    try {
      metrics.countPushChannels(() => 3);
      metrics.http.request('/oauth/token', 'POST', 400, 0.002);
      metrics.deviceFlow.deviceCode('issued');
      metrics.deviceFlow.approvalToToken(0.3);
      const scrape = parseExposition(metrics.registry.render());
      expect(Object.fromEntries(scrape.types)).toEqual({
        pairgate_http_requests_total: 'counter',
        pairgate_http_request_duration_seconds: 'histogram',
        pairgate_device_codes_total: 'counter',
        pairgate_device_approval_to_token_seconds: 'histogram',
        pairgate_push_channels_open: 'gauge',
        process_resident_memory_bytes: 'gauge',
        nodejs_eventloop_lag_p99_seconds: 'gauge',
      });
      expect(scrape.value('pairgate_http_requests_total', { route: '/oauth/token', method: 'POST', status: '400' })).toBe(1);
      expect(scrape.value('pairgate_http_request_duration_seconds_bucket', { route: '/oauth/token', le: '0.005' })).toBe(1);
      expect(scrape.series('pairgate_device_codes_total').map((s) => [s.labels.outcome, s.value])).toEqual([
        ['issued', 1],
        ['approved', 0],
        ['denied', 0],
        ['expired', 0],
        ['redeemed', 0],
      ]);
      expect(scrape.value('pairgate_device_approval_to_token_seconds_bucket', { le: '0.5' })).toBe(1);
      expect(scrape.value('pairgate_device_approval_to_token_seconds_bucket', { le: '0.25' })).toBe(0);
      expect(scrape.value('pairgate_push_channels_open')).toBe(3);
      expect(scrape.value('process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(scrape.value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    } finally {
      metrics.close();
    }
  });
});

describe('route and method labels are bounded', () => {
  it.each([
    ['/oauth/token', '/oauth/token'],
    ['/.well-known/openid-configuration', '/.well-known/openid-configuration'],
    ['/oauth/device/events', '/oauth/device/events'],
    ['/activate', 'page:activate'],
    ['/activate/confirm', 'page:activate'],
    ['/account/devices', 'page:account'],
    ['/', 'page:home'],
    ['/_next/static/chunks/main-3f2a.js', 'assets'],
    ['/oauth/nothing-here', 'other'],
    ['/activatex', 'other'],
    ['/wp-login.php', 'other'],
    ['/oauth/token/', 'other'],
  ])('%s → %s', (path, route) => {
    expect(routeOf(path)).toBe(route);
  });

  it('keeps common methods and folds the rest', () => {
    expect(methodOf('POST')).toBe('POST');
    expect(methodOf('PROPFIND')).toBe('other');
    expect(methodOf(undefined)).toBe('other');
  });
});
