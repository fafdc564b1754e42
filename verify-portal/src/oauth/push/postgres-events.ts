import pg from 'pg';
import { databaseDefaults, type DatabaseSettings } from '../../defaults';
import { logWarning } from '../../observability/logger';
import { errorText } from '../../store/faults';
import { DEVICE_EVENTS, type DeviceEvent, type DeviceEvents } from '../device-events';

/** The NOTIFY channel; payloads are `<event>:<topic>` (a device code hash or `grant:<id>`; well under the 8000-byte limit). */
const CHANNEL = 'pairgate_device_events';

export type PostgresEventsOptions = Partial<
  Pick<DatabaseSettings, 'connectTimeoutMs' | 'queryTimeoutMs' | 'listenerHeartbeatMs' | 'reconnectMinDelayMs' | 'reconnectMaxDelayMs'>
> & {
  /** Where the listener's state changes are logged (lost, restored: once each). Default: the process's logger, at warn. */
  log?: (line: string) => void;
  /** 0 ≤ x < 1, for the back-off's jitter. Default: Math.random. */
  random?: () => number;
};

/**
 * The wait before reconnection attempt `attempt` (1, 2, …): exponential from `min`, capped at
 * `max`, half of it fixed and half random ("equal jitter"), so instances that lost the database
 * together do not all come back in the same millisecond, and none waits less than half the step.
 */
export function reconnectDelay(attempt: number, min: number, max: number, random: () => number): number {
  const step = Math.min(max, min * 2 ** Math.min(attempt - 1, 30));
  return step / 2 + random() * (step / 2);
}

/**
 * Device events across portal instances with PostgreSQL LISTEN/NOTIFY: the phone may approve on
 * one instance while the device's channel is open on another. Every instance LISTENs on one
 * dedicated connection and fans notifications out to its local subscribers; publishing is a
 * NOTIFY only (the publishing instance hears its own notification too), so each event is
 * delivered once. The payload carries the device code's hash or the grant's id, never a secret.
 *
 * The LISTEN connection is kept alive forever: when it breaks (or a heartbeat finds it frozen)
 * it is replaced with exponential back-off and LISTENs again. Events published meanwhile are
 * missed, which polling covers (push is a hint). The first connection must succeed: start-up
 * fails loudly rather than serve without push.
 */
export async function createPostgresDeviceEvents(
  connectionString: string,
  onError: (err: unknown) => void,
  options: PostgresEventsOptions = {},
): Promise<DeviceEvents> {
  const s = { ...databaseDefaults, ...options };
  const log = options.log ?? logWarning;
  const random = options.random ?? Math.random;
  const clientConfig: pg.ClientConfig = {
    connectionString,
    connectionTimeoutMillis: s.connectTimeoutMs,
    query_timeout: s.queryTimeoutMs,
    keepAlive: true,
  };
  const listeners = new Map<string, Set<(event: DeviceEvent) => void>>();
  const publisher = new pg.Pool({ ...clientConfig, max: 2 });
  publisher.on('error', onError);
  let listener: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const deliver = (payload: string | undefined): void => {
    if (!payload) return;
    const colon = payload.indexOf(':');
    const event = DEVICE_EVENTS.find((e) => e === payload.slice(0, colon));
    if (!event) return;
    for (const fn of listeners.get(payload.slice(colon + 1)) ?? []) fn(event);
  };

  async function connectListener(): Promise<void> {
    const client = new pg.Client(clientConfig);
    // A dead connection must not deliver (a replaced one that wakes up late would duplicate).
    client.on('notification', (msg) => {
      if (listener === client && msg.channel === CHANNEL) deliver(msg.payload);
    });
    client.on('error', (err) => lost(client, err));
    client.on('end', () => lost(client, new Error('Connection terminated')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      // Drop the half-open connection; its late 'error'/'end' find it is not the listener.
      void client.end().catch(() => undefined);
      throw err;
    }
    if (closed) {
      await client.end();
      return;
    }
    listener = client;
    beat(client);
  }

  /** Only a query notices a frozen server or network; TCP keep-alive notices a vanished one. */
  function beat(client: pg.Client): void {
    heartbeat = setTimeout(() => {
      client.query('SELECT 1').then(
        () => listener === client && beat(client),
        (err: unknown) => lost(client, err),
      );
    }, s.listenerHeartbeatMs);
    heartbeat.unref();
  }

  /** The listener broke: say so once, then reconnect until it works (or we close). */
  function lost(client: pg.Client, err: unknown): void {
    if (listener !== client) return;
    listener = undefined;
    clearTimeout(heartbeat);
    void client.end().catch(() => undefined);
    if (closed) return;
    log(`[push] LISTEN connection lost (${errorText(err)}); reconnecting with back-off, devices poll meanwhile`);
    reconnect(1);
  }

  function reconnect(attempt: number): void {
    retry = setTimeout(() => {
      connectListener().then(
        () => {
          if (!closed) log(`[push] LISTEN connection restored after ${attempt} attempt${attempt === 1 ? '' : 's'}`);
        },
        () => {
          if (!closed) reconnect(attempt + 1); // the outage was logged when it began
        },
      );
    }, reconnectDelay(attempt, s.reconnectMinDelayMs, s.reconnectMaxDelayMs, random));
    retry.unref();
  }

  await connectListener();

  return {
    publish(topic, event) {
      publisher.query('SELECT pg_notify($1, $2)', [CHANNEL, `${event}:${topic}`]).catch(onError);
    },
    subscribe(topic, fn) {
      let set = listeners.get(topic);
      if (!set) listeners.set(topic, (set = new Set()));
      set.add(fn);
      return () => {
        set.delete(fn);
        if (set.size === 0) listeners.delete(topic);
      };
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearTimeout(heartbeat);
      const last = listener;
      listener = undefined;
      await Promise.allSettled([last?.end(), publisher.end()]);
    },
  };
}
