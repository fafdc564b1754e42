/**
 * The controller's unit tests drive it through its public face (commands in, view states out)
 * against the in-memory authorization server, on a fake clock. This is what they share.
 */
import { createHook } from 'node:async_hooks';
import { afterEach, beforeEach, vi } from 'vitest';
import { SessionController, type ControllerOptions } from '../../src/core/controller';
import { MemoryVault, type SaveResult, type StoredSession } from '../../src/core/vault';
import type { ViewState } from '../../src/core/view-state';
import { ISSUER, createFakeServer, type FakeServer, type FakeServerOptions } from './fake-authorization-server';

const realTick = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Taken before any test fakes the timers. */
const realSetTimeout = setTimeout;
const realPause = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

/**
 * Node's crypto jobs in flight (SIGNREQUEST, KEYPAIRGENREQUEST, …: WebCrypto — the fake server's
 * signatures, the controller's ID token checks — runs them on libuv's thread pool), so `until`
 * moves the fake clock only once they are done. A busy machine can keep that pool off a core
 * for longer than any number of loop turns: the fake clock then ran out while the work was still
 * pending ('a fourth watch' in sign-in-watch.test.ts, under npm test and beside busy loops).
 */
const cryptoJobs = new Set<number>();
const cryptoJobWatch = createHook({
  init: (id, type) => {
    if (type.endsWith('REQUEST') && !type.startsWith('HTTP')) cryptoJobs.add(id);
  },
  after: (id) => cryptoJobs.delete(id),
  destroy: (id) => cryptoJobs.delete(id),
});

/** Fakes the timers and Date, not setImmediate: real crypto and promises still settle. */
export function useFakeClock(): void {
  cryptoJobWatch.enable();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
}

/** Lets real work settle: turns of the event loop, and real time while crypto jobs are in flight (10 s at most). */
async function settle(predicate: () => boolean): Promise<boolean> {
  const giveUpAt = performance.now() + 10_000;
  for (;;) {
    for (let i = 0; i < 20; i++) {
      if (predicate()) return true;
      await realTick();
    }
    if (cryptoJobs.size === 0 || performance.now() > giveUpAt) return predicate();
    await realPause(1);
  }
}

/** Advances the fake clock in small steps (letting real crypto and promises settle) until `predicate` holds. */
export async function until(predicate: () => boolean, what: string, maxMs = 30 * 60_000, stepMs = 250): Promise<void> {
  for (let elapsed = 0; elapsed <= maxMs; elapsed += stepMs) {
    if (await settle(predicate)) return;
    await vi.advanceTimersByTimeAsync(stepMs);
  }
  throw new Error(`timed out waiting for: ${what}`);
}

export { realTick };

export class SpyVault extends MemoryVault {
  saved: StoredSession[] = [];
  cleared = 0;
  override async save(session: StoredSession): Promise<SaveResult> {
    this.saved.push(session);
    return super.save(session);
  }
  override async clear(): Promise<void> {
    this.cleared += 1;
    return super.clear();
  }
}

/** A started kiosk controller, every view it published, and readers for the current one. */
export interface Kiosk {
  controller: SessionController;
  /** `start()`'s promise: the first phase is under way. */
  started: Promise<void>;
  views: ViewState[];
  view(): ViewState;
  /** The pairing status, or the screen's name when not pairing. */
  status(): string;
  userCode(): string | null;
  /** Waits for a code, approves it at the server, waits for the signed-in screen. */
  signIn(): Promise<void>;
}

/** Every controller `startController` started, for `useControllerFakes` to stop after the test. */
const running = new Set<SessionController>();

export function startController(server: FakeServer, options: Partial<ControllerOptions> = {}): Kiosk {
  const controller = new SessionController({
    issuer: ISSUER,
    clientId: 'tv-kiosk',
    scope: 'openid profile offline_access',
    deviceName: 'Test TV',
    deviceModel: 'Model T',
    vault: new MemoryVault(),
    fetch: server.fetch,
    ...options,
  });
  running.add(controller);
  const views: ViewState[] = [];
  controller.subscribe((view) => views.push(view));
  const started = controller.start();
  const view = () => controller.getState();
  const status = () => {
    const current = view();
    return current.screen === 'pairing' ? current.status : current.screen;
  };
  return {
    controller,
    started,
    views,
    view,
    status,
    userCode: () => {
      const current = view();
      return current.screen === 'pairing' ? (current.code?.userCode ?? null) : null;
    },
    async signIn() {
      await until(() => status() === 'waiting', 'a code');
      server.approveLatest();
      await until(() => view().screen === 'signed-in', 'signed in');
    },
  };
}

/** What a controller test runs against, fresh for each test (see `useControllerFakes`). */
export class ControllerFakes<V extends SpyVault> {
  /** The authorization server; a test that needs another kind assigns one before it starts a controller. */
  server!: FakeServer;
  vault!: V;

  constructor(readonly makeVault: () => V) {}

  /** Starts a kiosk controller against `server`, with `vault` unless `options` gives another. */
  start = (options: Partial<ControllerOptions> = {}): Kiosk => startController(this.server, { vault: this.vault, ...options });
}

/**
 * The setup the controller-module tests share. Before each test: the fake clock, a fresh fake
 * server (`server` options; a 5 s interval unless given) and a fresh vault (a `SpyVault` unless
 * `vault` makes another). After it: every controller the test started is stopped, so no timer
 * of one test runs on into the next, and the clock is real again.
 */
export function useControllerFakes(setup?: { server?: FakeServerOptions }): ControllerFakes<SpyVault>;
export function useControllerFakes<V extends SpyVault>(setup: { server?: FakeServerOptions; vault: () => V }): ControllerFakes<V>;
export function useControllerFakes(setup: { server?: FakeServerOptions; vault?: () => SpyVault } = {}): ControllerFakes<SpyVault> {
  const fakes = new ControllerFakes(setup.vault ?? (() => new SpyVault()));
  beforeEach(async () => {
    useFakeClock();
    fakes.server = await createFakeServer({ interval: 5, ...setup.server });
    fakes.vault = fakes.makeVault();
  });
  afterEach(() => {
    for (const controller of running) controller.stop();
    running.clear();
    vi.useRealTimers();
  });
  return fakes;
}
