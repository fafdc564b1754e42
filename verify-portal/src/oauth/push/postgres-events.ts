import pg from 'pg';
import type { DeviceEvent, DeviceEvents } from '../device-events';

/** The NOTIFY channel; payloads are `<event>:<device code hash>` (well under the 8000-byte limit). */
const CHANNEL = 'pairgate_device_events';
const EVENTS: readonly DeviceEvent[] = ['opened', 'approved', 'denied', 'expired'];

/**
 * Device events across portal instances with PostgreSQL LISTEN/NOTIFY: the phone may approve on
 * one instance while the device's channel is open on another. Every instance LISTENs on one
 * dedicated connection and fans notifications out to its local subscribers; publishing is a
 * NOTIFY only (the publishing instance hears its own notification too), so each event is
 * delivered once. The payload carries the device code's hash, never the code.
 */
export async function createPostgresDeviceEvents(connectionString: string, onError: (err: unknown) => void): Promise<DeviceEvents> {
  const listeners = new Map<string, Set<(event: DeviceEvent) => void>>();
  const publisher = new pg.Pool({ connectionString, max: 2 });
  publisher.on('error', onError);
  let listener: pg.Client | undefined;
  let closed = false;

  async function connectListener(): Promise<void> {
    const client = new pg.Client({ connectionString });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      const colon = msg.payload.indexOf(':');
      const event = EVENTS.find((e) => e === msg.payload?.slice(0, colon));
      const hash = msg.payload.slice(colon + 1);
      if (!event) return;
      for (const fn of listeners.get(hash) ?? []) fn(event);
    });
    client.on('error', (err) => {
      onError(err);
      if (listener !== client) return;
      listener = undefined;
      // Reconnect: until then events from other instances are missed, which polling covers.
      if (!closed) setTimeout(() => void connectListener().catch(onError), 1_000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    listener = client;
  }
  await connectListener();

  return {
    publish(hash, event) {
      publisher.query('SELECT pg_notify($1, $2)', [CHANNEL, `${event}:${hash}`]).catch(onError);
    },
    subscribe(hash, fn) {
      let set = listeners.get(hash);
      if (!set) listeners.set(hash, (set = new Set()));
      set.add(fn);
      return () => {
        set.delete(fn);
        if (set.size === 0) listeners.delete(hash);
      };
    },
    async close() {
      closed = true;
      await Promise.allSettled([listener?.end(), publisher.end()]);
    },
  };
}
