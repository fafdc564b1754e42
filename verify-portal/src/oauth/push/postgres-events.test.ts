import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../../../test/support/resources';
import type { DeviceEvent, DeviceEvents } from '../device-events';
import { createPostgresDeviceEvents } from './postgres-events';

const url = testDatabaseUrl('device events over LISTEN/NOTIFY');

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

  const until = (check: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 5_000;
      const tick = () => (check() ? resolve() : Date.now() > deadline ? reject(new Error('timed out')) : setTimeout(tick, 5));
      tick();
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
});
