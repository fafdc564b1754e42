/**
 * The controller's unit tests drive it through its public face (commands in, view states out)
 * against the in-memory authorization server, on a fake clock. This is what they share.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { SessionController, type ControllerOptions } from '../../src/core/controller';
import { MemoryVault, type SaveResult, type StoredSession } from '../../src/core/vault';
import type { ViewState } from '../../src/core/view-state';
import { ISSUER, createFakeServer, type FakeServer, type FakeServerOptions } from './fake-authorization-server';

const realTick = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Taken before any test fakes the timers. */
const realSetTimeout = setTimeout;
const realPause = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));
/** How many steps of each `until` wait a real millisecond first. */
const REAL_PAUSED_STEPS = 60;

/** Fakes the timers and Date, not setImmediate: real crypto and promises still settle. */
export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
}

/** Advances the fake clock in small steps (letting real crypto and promises settle) until `predicate` holds. */
export async function until(predicate: () => boolean, what: string, maxMs = 30 * 60_000, stepMs = 250): Promise<void> {
  for (let elapsed = 0, step = 0; elapsed <= maxMs; elapsed += stepMs, step++) {
    for (let i = 0; i < 20; i++) {
      if (predicate()) return;
      await realTick();
    }
    // WebCrypto (the fake server's signatures, the controller's ID token checks) finishes on
    // libuv's thread pool, which a busy machine can keep off a core for longer than 20 turns of
    // the loop take: the fake clock would run out while that work is still pending (seen under
    // load with `until(…, 5_000, 100)`). A real millisecond before each of the first steps lets
    // it finish; later steps go at full speed (a half-hour wait is 7,200 steps).
    if (step < REAL_PAUSED_STEPS) await realPause(1);
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
