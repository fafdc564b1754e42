import { DEVICE_CODE_OUTCOMES, type DeviceFlowMetrics } from './device-flow-metrics';
import { Registry } from './metrics';
import { registerProcessMetrics } from './process-metrics';

/** One answered HTTP request, as the access log sees it (route and method already bounded: routes.ts). */
export interface HttpMetrics {
  request(route: string, method: string, status: number, seconds: number): void;
}

export interface PortalMetrics {
  readonly registry: Registry;
  readonly http: HttpMetrics;
  /** Handed to the OAuth core (`createProvider({ metrics })`). */
  readonly deviceFlow: DeviceFlowMetrics;
  /** Where the open push channels are counted when scraped (the channel is made after the core). */
  countPushChannels(read: () => number): void;
  /** Stops the event-loop monitor. */
  close(): void;
}

/** Prometheus' default buckets: 5 ms to 10 s covers a token poll and a slow page render alike. */
const HTTP_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Approval → token: with push the device polls at once (well under a second); without it, the
 * device waits out its interval (RFC 8628 §3.5: 5 s, +5 s per slow_down). The buckets separate
 * the two, so the share of fast sign-ins shows how well push works.
 */
const APPROVAL_TO_TOKEN_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 7.5, 10, 15, 30, 60];

/** Every metric `/metrics` shows (names and meanings are documented in the README). */
export function createPortalMetrics(): PortalMetrics {
  const registry = new Registry();
  const requests = registry.counter('pairgate_http_requests_total', 'HTTP requests answered, by route group, method and status.', ['route', 'method', 'status']);
  const duration = registry.histogram('pairgate_http_request_duration_seconds', 'Time to answer an HTTP request, by route group.', HTTP_SECONDS, ['route']);
  const deviceCodes = registry.counter('pairgate_device_codes_total', 'Device codes by outcome (RFC 8628): issued, approved, denied, expired, redeemed.', ['outcome']);
  for (const outcome of DEVICE_CODE_OUTCOMES) deviceCodes.init({ outcome });
  const approvalToToken = registry.histogram(
    'pairgate_device_approval_to_token_seconds',
    'Time from a device code approval to the successful token response for it.',
    APPROVAL_TO_TOKEN_SECONDS,
  );
  let pushChannels = () => 0;
  registry.gauge('pairgate_push_channels_open', 'Open device push channels (WebSocket) on this instance.', () => pushChannels());
  const stopProcessMetrics = registerProcessMetrics(registry);

  return {
    registry,
    http: {
      request(route, method, status, seconds) {
        requests.inc({ route, method, status: String(status) });
        duration.observe({ route }, seconds);
      },
    },
    deviceFlow: {
      deviceCode: (outcome) => deviceCodes.inc({ outcome }),
      approvalToToken: (seconds) => approvalToToken.observe({}, seconds),
    },
    countPushChannels(read) {
      pushChannels = read;
    },
    close: stopProcessMetrics,
  };
}
