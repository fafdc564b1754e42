/**
 * The event bus behind the device push channel: what happened to a device code, so a waiting
 * device can be told at once. In-process for one instance; a PostgreSQL LISTEN/NOTIFY bus can
 * take its place for several. Events are hints only: tokens come from the token endpoint.
 */
export type DeviceEvent = 'opened' | 'approved' | 'denied' | 'expired';

export interface DeviceEvents {
  publish(deviceCodeHash: string, event: DeviceEvent): void;
  subscribe(deviceCodeHash: string, listener: (event: DeviceEvent) => void): () => void;
  /** Releases connections, if any. */
  close(): Promise<void>;
}

export function createInProcessDeviceEvents(): DeviceEvents {
  const listeners = new Map<string, Set<(event: DeviceEvent) => void>>();
  return {
    publish(hash, event) {
      for (const listener of listeners.get(hash) ?? []) listener(event);
    },
    subscribe(hash, listener) {
      let set = listeners.get(hash);
      if (!set) listeners.set(hash, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(hash);
      };
    },
    close: () => Promise.resolve(),
  };
}
