/**
 * The event bus behind the device push channel: what happened to a device code, or to a
 * sign-in, so a waiting or signed-in device can be told at once. In-process for one instance; a
 * PostgreSQL LISTEN/NOTIFY bus can take its place for several. Events are hints only: tokens
 * come from the token endpoint, and a sign-in is over when the token endpoint says so.
 *
 * Topics: a device code by its hash (`opened`, `approved`, `denied`, `expired`), a sign-in by
 * `signInTopic(grantId)` (`ended`). Never a secret: hashes and grant ids only.
 */
export type DeviceEvent = 'opened' | 'approved' | 'denied' | 'expired' | 'ended';

export const DEVICE_EVENTS: readonly DeviceEvent[] = ['opened', 'approved', 'denied', 'expired', 'ended'];

/** The topic of a sign-in (grant): a signed-in device watching it hears `ended` when it is revoked. */
export function signInTopic(grantId: string): string {
  return `grant:${grantId}`;
}

export interface DeviceEvents {
  publish(topic: string, event: DeviceEvent): void;
  subscribe(topic: string, listener: (event: DeviceEvent) => void): () => void;
  /** Releases connections, if any. */
  close(): Promise<void>;
}

export function createInProcessDeviceEvents(): DeviceEvents {
  const listeners = new Map<string, Set<(event: DeviceEvent) => void>>();
  return {
    publish(topic, event) {
      for (const listener of listeners.get(topic) ?? []) listener(event);
    },
    subscribe(topic, listener) {
      let set = listeners.get(topic);
      if (!set) listeners.set(topic, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(topic);
      };
    },
    close: () => Promise.resolve(),
  };
}
