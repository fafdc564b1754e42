/**
 * "Your devices" on the signed-in screen: when to call the devices API (`devices-api.ts`), with
 * which token, and what its failures mean for the screen. Its failures never end the session by
 * themselves: a 401 (the token expired, or the sign-in was signed out elsewhere) takes the
 * refresh path once — `invalid_grant` there ends the session, success reloads the list — and
 * anything else leaves a small note.
 */
import { hasScope, isTransient } from '@pairgate/shared';
import type { Connection } from './connection';
import { DEVICES_SCOPE, DevicesApiError, devicesApiUrl, fetchDevices, scopeWithDevices } from './devices-api';
import { describeError, type Log } from './diagnostics';
import type { Bearer, RefreshOutcome } from './session';
import type { ShownDevices } from './view-state';

export interface DevicesListDeps {
  connection: Connection;
  /** The `devicesApi` setting: a URL, `off`, or unset (discovery decides). */
  configured: string | undefined;
  /** The session's current access token. */
  bearer(): Bearer | undefined;
  /** One refresh (shared with any already in flight). */
  refresh(): Promise<RefreshOutcome>;
  /** The list on screen now (undefined when the signed-in screen is not up). */
  shown(): ShownDevices | null | undefined;
  show(devices: ShownDevices | null): void;
  log: Log;
}

export class DevicesList {
  readonly #deps: DevicesListDeps;
  /** Bumped per call, so only the latest answer reaches the screen. */
  #call = 0;
  /** A 401 already led to a refresh; another one does not (no loop). */
  #refreshedFor401 = false;

  constructor(deps: DevicesListDeps) {
    this.#deps = deps;
  }

  /** The API's URL, when it is configured or the server advertises its scope. */
  url(): string | undefined {
    return devicesApiUrl(this.#deps.configured, this.#deps.connection.issuer, this.#deps.connection.metadata);
  }

  /** The scope to ask for: `devices:read` only where the API will be called. */
  scope(base: string): string {
    return scopeWithDevices(base, this.url());
  }

  /** A new sign-in: its first 401 may take the refresh path again. */
  reset(): void {
    this.#refreshedFor401 = false;
  }

  /** Calls the API with the current access token and shows display rows (never the token). */
  async load(signal: AbortSignal): Promise<void> {
    const bearer = this.#deps.bearer();
    const url = this.url();
    const call = ++this.#call;
    if (!bearer || !url || (bearer.scope !== undefined && !hasScope(bearer.scope, DEVICES_SCOPE))) {
      this.#deps.show(null);
      return;
    }
    const current = () => !signal.aborted && call === this.#call && this.#deps.bearer() === bearer;
    try {
      const devices = await fetchDevices(url, bearer.accessToken, (input, init) => this.#deps.connection.fetch(input, init), signal);
      if (!current()) return;
      this.#refreshedFor401 = false;
      this.#deps.show(devices);
    } catch (error) {
      if (current()) await this.#failed(error, call);
    }
  }

  async #failed(error: unknown, call: number): Promise<void> {
    const { log, show } = this.#deps;
    if (error instanceof DevicesApiError && error.status === 401 && !this.#refreshedFor401) {
      this.#refreshedFor401 = true;
      log(`devices API refused the access token: ${error.error ?? 'no error code'} (HTTP 401); refreshing`);
      const outcome = await this.#deps.refresh();
      // `refreshed` reloaded the list; `signed-out` left this screen.
      if (outcome !== 'refreshed' && outcome !== 'signed-out' && call === this.#call) show({ status: 'unavailable' });
      return;
    }
    log(`devices API failed: ${error instanceof DevicesApiError ? `${error.error ?? 'error'} (HTTP ${error.status})` : describeError(error)}`);
    if (error instanceof DevicesApiError && (error.status === 403 || error.status === 404)) {
      // Not for this app (no scope granted, no such API): nothing to say on screen.
      show(null);
      return;
    }
    // A network or server failure keeps a list already shown; else a small note. (A 401 again
    // after the refresh: the list may be stale, so the note.)
    const serverTrouble = isTransient(error) || (error instanceof DevicesApiError && (error.status >= 500 || error.status === 429));
    if (serverTrouble && this.#deps.shown()?.status === 'ready') return;
    show({ status: 'unavailable' });
  }
}
