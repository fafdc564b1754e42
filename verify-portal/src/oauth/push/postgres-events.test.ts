import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../../../test/support/resources';
import { startFaultProxy, type FaultProxy } from '../../store/fault-proxy';
import { signInTopic, type DeviceEvent, type DeviceEvents } from '../device-events';
import { createPostgresDeviceEvents, reconnectDelay } from './postgres-events';

const url = testDatabaseUrl('device events over LISTEN/NOTIFY');

const until = (check: () => boolean, ms = 5_000) =>
  new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + ms;
    const tick = () => (check() ? resolve() : Date.now() > deadline ? reject(new Error('timed out')) : setTimeout(tick, 5));
    tick();
  });

describe('reconnectDelay', () => {
  it('doubles from the minimum up to the cap, half fixed and half jitter', () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => reconnectDelay(n, 500, 30_000, low))).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 15_000]);
    expect(reconnectDelay(7, 500, 30_000, high)).toBeCloseTo(30_000, 0);
    expect(reconnectDelay(1_000, 500, 30_000, low)).toBe(15_000); // capped, forever, no overflow
    expect(reconnectDelay(1_000, 500, 30_000, high)).toBeLessThan(30_000);
  });
});

describe.skipIf(!url)('device events across instances (PostgreSQL LISTEN/NOTIFY)', () => {
  let first: DeviceEvents;
  let second: DeviceEvents;
  const errors: unknown[] = [];

  beforeAll(async () => {
    first = await createPostgresDeviceEvents(url!, (e) => errors.push(e));
    second = await createPostgresDeviceEvents(url!, (e) => errors.push(e));
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('an event published on one instance reaches subscribers on every instance, once each', async () => {
    const hash = `hash-${Date.now()}`;
    const onFirst: DeviceEvent[] = [];
    const onSecond: DeviceEvent[] = [];
    const other: DeviceEvent[] = [];
    first.subscribe(hash, (e) => onFirst.push(e));
    const unsubscribe = second.subscribe(hash, (e) => onSecond.push(e));
    second.subscribe('another-hash', (e) => other.push(e));

    // NOTIFYs from different connections have no order between them; real events are seconds
    // apart (phone opens, then approves), so publish the second after the first has arrived.
    first.publish(hash, 'opened');
    await until(() => onFirst.length === 1 && onSecond.length === 1);
    second.publish(hash, 'approved');
    await until(() => onFirst.length === 2 && onSecond.length === 2);
    expect(onFirst).toEqual(['opened', 'approved']);
    expect(onSecond).toEqual(['opened', 'approved']);

    unsubscribe();
    first.publish(hash, 'denied');
    await until(() => onFirst.length === 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(onSecond).toHaveLength(2);
    expect(other).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("a sign-in's end reaches a device watching it on another instance (the topic holds a colon)", async () => {
    const topic = signInTopic(`grant-${Date.now()}`);
    const heard: DeviceEvent[] = [];
    second.subscribe(topic, (e) => heard.push(e));
    first.publish(topic, 'ended');
    await until(() => heard.length === 1);
    expect(heard).toEqual(['ended']);
    expect(errors).toEqual([]);
  });
});

/**
 * The listener between the application and a database that goes away: a TCP proxy in front of
 * the real test PostgreSQL is stopped (refused and reset) or frozen (silent), then restored. The
 * knobs are small so this takes about a second; the defaults are in src/defaults.ts.
 */
describe.skipIf(!url)('the LISTEN connection survives the database going away', () => {
  let proxy: FaultProxy;
  let behind: DeviceEvents | undefined;
  let direct: DeviceEvents | undefined;
  const lines: string[] = [];
  const knobs = { connectTimeoutMs: 300, queryTimeoutMs: 300, listenerHeartbeatMs: 100, reconnectMinDelayMs: 20, reconnectMaxDelayMs: 80 };

  beforeAll(async () => {
    proxy = await startFaultProxy(url!);
    direct = await createPostgresDeviceEvents(url!, () => undefined);
  });
  afterEach(async () => {
    await behind?.close();
    behind = undefined;
    lines.length = 0;
    proxy.restore();
  });
  afterAll(async () => {
    await direct?.close();
    await proxy?.close();
  });

  /** Publishes from the instance with a healthy connection until the one behind the proxy hears it. */
  async function heardAgain(hash: string, received: DeviceEvent[]): Promise<void> {
    await until(() => {
      if (received.length === 0) direct!.publish(hash, 'approved');
      return received.length > 0;
    });
    expect(new Set(received)).toEqual(new Set(['approved']));
  }

  it('stopped: reconnects with back-off after many failed attempts, LISTENs again, logs lost/restored once each', async () => {
    behind = await createPostgresDeviceEvents(proxy.url, () => undefined, { ...knobs, log: (l) => lines.push(l) });
    const hash = `stopped-${Date.now()}`;
    const received: DeviceEvent[] = [];
    behind.subscribe(hash, (e) => received.push(e));

    proxy.stop();
    await until(() => lines.length === 1);
    expect(lines[0]).toMatch(/^\[push\] LISTEN connection lost \(.+\); reconnecting with back-off/);
    // The old listener retried once and gave up. Let several attempts fail, silently.
    const before = proxy.resets;
    await until(() => proxy.resets >= before + 4);
    expect(lines).toHaveLength(1);

    proxy.restore();
    await until(() => lines.length === 2);
    const attempts = Number(/restored after (\d+) attempts?/.exec(lines[1] ?? '')?.[1]);
    expect(attempts).toBeGreaterThan(4);
    await heardAgain(hash, received);
    expect(lines).toHaveLength(2);
  });

  it('frozen: the heartbeat notices the silent connection, and push works again once the database answers', async () => {
    behind = await createPostgresDeviceEvents(proxy.url, () => undefined, { ...knobs, log: (l) => lines.push(l) });
    const hash = `frozen-${Date.now()}`;
    const received: DeviceEvent[] = [];
    behind.subscribe(hash, (e) => received.push(e));

    proxy.freeze();
    await until(() => lines.length === 1);
    expect(lines[0]).toMatch(/LISTEN connection lost \(Query read timeout\)/);
    proxy.restore();
    await until(() => lines.length === 2);
    expect(lines[1]).toMatch(/^\[push\] LISTEN connection restored after \d+ attempts?$/);
    await heardAgain(hash, received);
  });
});
