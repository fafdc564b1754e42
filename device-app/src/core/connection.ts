/**
 * The authorization server as this client knows it: its issuer, this client's id, how requests
 * are sent (`fetch`), and its metadata, discovered once (RFC 8414 §3 / OIDC Discovery §4) and
 * kept for every later step.
 */
import { discover, type AuthorizationServerMetadata, type FetchLike, type OAuthClient, type RequestOptions } from '@pairgate/shared';

export class Connection {
  readonly issuer: string;
  readonly client: OAuthClient;
  /** The caller's fetch (Electron's `net.fetch`, a test's fake), or undefined for the platform's. */
  readonly #fetch: FetchLike | undefined;
  #metadata: AuthorizationServerMetadata | undefined;

  constructor(options: { issuer: string; clientId: string; fetch?: FetchLike | undefined }) {
    this.issuer = options.issuer;
    this.client = { client_id: options.clientId };
    this.#fetch = options.fetch;
  }

  /** The metadata, once discovery has succeeded. */
  get metadata(): AuthorizationServerMetadata | undefined {
    return this.#metadata;
  }

  /** Discovers the server the first time; later calls return the same metadata. Throws when it fails. */
  async discover(signal: AbortSignal): Promise<AuthorizationServerMetadata> {
    this.#metadata ??= await discover(this.issuer, this.requestOptions(signal));
    return this.#metadata;
  }

  requestOptions(signal: AbortSignal): RequestOptions {
    return { signal, ...this.fetchOption() };
  }

  /** `{ fetch }` for steps that take one (DeviceFlow, ID-token keys), or nothing for the platform's. */
  fetchOption(): { fetch?: FetchLike } {
    return this.#fetch ? { fetch: this.#fetch } : {};
  }

  /** For calls that are not OAuth steps (a protected API): the same fetch. */
  fetch(url: string, init: RequestInit): Promise<Response> {
    return this.#fetch ? this.#fetch(url, init) : globalThis.fetch(url, init);
  }
}
