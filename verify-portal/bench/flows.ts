/**
 * Device flows approved by a person, for the benchmarks (push.ts, mixed.ts): a `DeviceFlow` of
 * @pairgate/shared at the interval the server gives, optionally with its push channel, approved
 * over the portal's real forms at a uniformly random moment within the first interval; and the
 * statistics of many of them run side by side, one signed-in approver per lane.
 */
import { DeviceFlow, discover, type AuthorizationServerMetadata } from '@pairgate/shared';
import { closeChannel, openChannel, type Channel } from './channel';
import { CLIENT_ID } from './common';
import { now, type Approver } from './phone';
import { BenchError, log } from './processes';
import { median, quantile, round } from './stats';

const SCOPE = 'openid profile offline_access';
const FLOW_TIMEOUT_MS = 30_000;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export type Mode = 'push' | 'polling';

export interface FlowSample {
  mode: Mode;
  /** t1 − t0: the approve response's arrival → DeviceFlow resolved `approved` with tokens. */
  ms: number;
  /** t1 − the moment the approve request was sent. */
  fromSentMs: number;
  /** The `approved` push message's arrival − t0 (push mode; often < 0: it overtakes the 303). */
  pushMs?: number;
  /** t1 − the push message's arrival: the token request that `pollNow()` made (push mode). */
  tokensAfterPushMs?: number;
  /** How long the approve request (POST /activate/confirm) took. */
  approveRequestMs: number;
  /** When the approve request was sent, after the device started waiting (planned: 0–interval). */
  clickAtMs: number;
  plannedClickAtMs: number;
  intervalS: number;
}

export interface FlowContext {
  metadata: AuthorizationServerMetadata;
  eventsUrl: string;
}

/** Discovery, and the push channel's endpoint from it. */
export async function flowContext(origin: string): Promise<FlowContext> {
  const metadata = await discover(origin);
  const eventsUrl = (metadata as unknown as Record<string, unknown>).pairgate_device_events_endpoint;
  if (typeof eventsUrl !== 'string') throw new BenchError('discovery does not advertise pairgate_device_events_endpoint');
  return { metadata, eventsUrl };
}

export async function runFlow(ctx: FlowContext, mode: Mode, approver: Approver, localAddress: string): Promise<FlowSample> {
  const controller = new AbortController();
  const flow = new DeviceFlow({ metadata: ctx.metadata, client: { client_id: CLIENT_ID }, scope: SCOPE });
  let waitingAt = NaN;
  let approvedAt = NaN;
  let channel: Channel | undefined;
  const waiting = new Promise<{ userCode: string; deviceCode: string; interval: number }>((resolve, reject) => {
    flow.subscribe((state) => {
      if (state.status === 'waiting' && Number.isNaN(waitingAt)) {
        waitingAt = now();
        // The device opens its channel as soon as it shows the code, as the device app does.
        if (mode === 'push') {
          channel = openChannel(ctx.eventsUrl, state.authorization.device_code, localAddress, (status) => {
            if (status === 'approved' || status === 'denied') flow.pollNow();
          });
        }
        resolve({ userCode: state.authorization.user_code, deviceCode: state.authorization.device_code, interval: state.interval });
      } else if (state.status === 'approved') {
        approvedAt = now();
      } else if (state.status !== 'idle' && state.status !== 'requesting' && state.status !== 'waiting') {
        reject(new BenchError(`device flow ${state.status} before approval`));
      }
    });
  });
  const timer = setTimeout(() => controller.abort(new BenchError(`flow not approved within ${FLOW_TIMEOUT_MS} ms`)), FLOW_TIMEOUT_MS);
  const result = flow.start(controller.signal);
  try {
    const { userCode, interval } = await waiting;
    const plannedClickAtMs = Math.random() * interval * 1000;
    await approver.open(userCode);
    await sleep(waitingAt + plannedClickAtMs - now());
    const click = await approver.approve(userCode);
    const end = await result;
    if (end.status !== 'approved') throw new BenchError(`device flow ended ${end.status}${end.status === 'failed' ? `: ${end.error.message}` : ''}`);
    const pushAt = channel?.seen.get('approved');
    return {
      mode,
      ms: approvedAt - click.receivedAt,
      fromSentMs: approvedAt - click.sentAt,
      ...(mode === 'push' ? { pushMs: pushAt === undefined ? NaN : pushAt - click.receivedAt, tokensAfterPushMs: pushAt === undefined ? NaN : approvedAt - pushAt } : {}),
      approveRequestMs: click.receivedAt - click.sentAt,
      clickAtMs: click.sentAt - waitingAt,
      plannedClickAtMs,
      intervalS: interval,
    };
  } finally {
    clearTimeout(timer);
    controller.abort();
    await result.catch(() => undefined);
    if (channel) await closeChannel(channel);
  }
}

export interface Distribution {
  n: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

export function distribution(values: number[]): Distribution {
  const finite = values.filter(Number.isFinite);
  return {
    n: finite.length,
    p50Ms: round(quantile(finite, 0.5), 1),
    p99Ms: round(quantile(finite, 0.99), 1),
    meanMs: round(finite.reduce((a, b) => a + b, 0) / finite.length, 1),
    minMs: round(Math.min(...finite), 1),
    maxMs: round(Math.max(...finite), 1),
  };
}

/**
 * Runs flows, one lane per approver, each taking the mode of its next flow from `next` until it
 * says none; each lane's channels come from its own loopback address (25 lanes on 127.0.0.1
 * would pass the per-address limit).
 */
export async function runLanes(ctx: FlowContext, approvers: Approver[], next: () => Mode | undefined, label: string) {
  const samples: FlowSample[] = [];
  const errors: Record<string, number> = {};
  const started = now();
  let lastReport = started;
  let begun = 0;
  await Promise.all(
    approvers.map(async (approver, lane) => {
      const address = `127.0.100.${lane + 1}`;
      for (let mode = next(); mode !== undefined; mode = next()) {
        begun++;
        try {
          samples.push(await runFlow(ctx, mode, approver, address));
        } catch (err) {
          const kind = `${mode}: ${err instanceof Error ? err.message : String(err)}`;
          errors[kind] = (errors[kind] ?? 0) + 1;
        }
        if (now() - lastReport > 15_000) {
          lastReport = now();
          log(`${label}: ${samples.length} flows done (${Math.round((now() - started) / 1000)} s)`);
        }
      }
    }),
  );
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  if (errorCount > begun * 0.05) throw new BenchError(`${label}: ${errorCount} of ${begun} flows failed: ${JSON.stringify(errors)}`);
  return { samples, errors, errorCount, durationS: round((now() - started) / 1000, 1) };
}

/** The figures of a set of flows: t1 − t0 per mode, what the push and its poll took, the approve round trips. */
export function latencyReport({ samples, errors, errorCount, durationS }: Awaited<ReturnType<typeof runLanes>>) {
  const of = (mode: Mode) => samples.filter((s) => s.mode === mode);
  const push = of('push');
  const polling = of('polling');
  const raw = (list: FlowSample[]) => list.map((s) => round(s.ms, 1));
  return {
    /** The polling interval the server gave the devices. */
    intervalS: median(samples.map((s) => s.intervalS)),
    push: {
      ...distribution(push.map((s) => s.ms)),
      /** t1 − t0 ≤ 0: the push and the poll it triggered beat the 303 back to the phone. */
      atOrBelowZero: push.filter((s) => s.ms <= 0).length,
      fromSent: distribution(push.map((s) => s.fromSentMs)),
      /** The `approved` push message's arrival − t0. */
      pushMessage: distribution(push.map((s) => s.pushMs ?? NaN)),
      pushMessageMissing: push.filter((s) => !Number.isFinite(s.pushMs ?? NaN)).length,
      /** t1 − the push message's arrival: the token request `pollNow()` made. */
      tokensAfterPush: distribution(push.map((s) => s.tokensAfterPushMs ?? NaN)),
    },
    polling: {
      ...distribution(polling.map((s) => s.ms)),
      atOrBelowZero: polling.filter((s) => s.ms <= 0).length,
      fromSent: distribution(polling.map((s) => s.fromSentMs)),
    },
    /** POST /activate/confirm round trips, all flows: how busy the server was. */
    approveRequest: distribution(samples.map((s) => s.approveRequestMs)),
    /** Clicks sent more than 50 ms after their planned random moment (the code was still being typed). */
    lateClicks: samples.filter((s) => s.clickAtMs - s.plannedClickAtMs > 50).length,
    errors: errorCount,
    ...(errorCount > 0 ? { errorKinds: errors } : {}),
    durationS,
    rawMs: { push: raw(push), polling: raw(polling) },
  };
}
