import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Registry } from './metrics';

/**
 * Process health next to the request metrics: resident memory, and how late the event loop runs
 * (a blocked loop delays every request and push message on this instance). The names are the
 * ones prom-client's default metrics use, so existing Node dashboards read them.
 * Returns a function that stops the event-loop monitor.
 */
export function registerProcessMetrics(registry: Registry): () => void {
  // 10 ms: Node's default; finer sampling costs more timer wake-ups than it tells.
  const resolutionMs = 10;
  const loopDelay = monitorEventLoopDelay({ resolution: resolutionMs });
  loopDelay.enable();
  registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss());
  registry.gauge('nodejs_eventloop_lag_p99_seconds', 'The 99th percentile of event loop delay since the previous scrape, in seconds.', () => {
    // Each sample is the whole time between the monitor's timer ticks: the resolution plus the lag.
    const p99Ms = loopDelay.count > 0 ? Math.max(0, loopDelay.percentile(99) / 1e6 - resolutionMs) : 0;
    loopDelay.reset();
    return p99Ms / 1000;
  });
  return () => loopDelay.disable();
}
