/**
 * The person with the phone, for the benchmarks: signed in to the portal and acting over HTTP on
 * its real forms (the contract of test/support/phone.ts), every request timed.
 */
import { FORM_HEADERS, type Account } from './common';
import { BenchError } from './processes';

/** The demo account the portal seeds into an empty store (src/admin/demo.ts). */
const DEMO = { email: 'demo@example.com', password: 'pairgate-demo' } as const;


export const now = (): number => performance.now();

export interface Timed {
  /** performance.now() when the request was handed to fetch. */
  sentAt: number;
  /** performance.now() when the response (status and headers) arrived. */
  receivedAt: number;
}

/**
 * A person signed in to the portal, acting over HTTP on its real forms (the contract of
 * test/support/phone.ts): one session, so one code at a time.
 */
export class Approver {
  readonly #origin: string;
  readonly #cookies = new Map<string, string>();
  #csrf = '';

  readonly #account: Account;

  constructor(origin: string, account: Account = DEMO) {
    this.#account = account;
    this.#origin = origin;
  }

  async #request(method: 'GET' | 'POST', pathname: string, form?: Record<string, string>): Promise<{ status: number; location: string; text: string } & Timed> {
    const headers: Record<string, string> = {};
    if (this.#cookies.size > 0) headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) Object.assign(headers, FORM_HEADERS);
    const sentAt = now();
    const res = await fetch(this.#origin + pathname, {
      method,
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const receivedAt = now();
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (gone) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, location: res.headers.get('location') ?? '', text, sentAt, receivedAt };
  }

  static #csrfIn(html: string, page: string): string {
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!csrf) throw new BenchError(`${page} has no csrf field`);
    return csrf;
  }

  /** GET /login → POST /login (demo user) → GET /activate for the session's CSRF token. */
  async signIn(): Promise<void> {
    const page = await this.#request('GET', '/login');
    if (page.status !== 200) throw new BenchError(`GET /login answered ${page.status}`);
    const done = await this.#request('POST', '/login', { csrf: Approver.#csrfIn(page.text, '/login'), email: this.#account.email, password: this.#account.password, next: '/activate' });
    if (done.status !== 303 || done.location.includes('error=')) throw new BenchError(`POST /login answered ${done.status} → ${done.location}`);
    const activate = await this.#request('GET', '/activate');
    if (activate.status !== 200) throw new BenchError(`GET /activate (signed in) answered ${activate.status} → ${activate.location}`);
    this.#csrf = Approver.#csrfIn(activate.text, '/activate');
  }

  /** Types the code (POST /activate) and opens the confirm screen (GET /activate/confirm: `opened`). */
  async open(userCode: string): Promise<Timed> {
    const typed = await this.#request('POST', '/activate', { csrf: this.#csrf, user_code: userCode });
    if (typed.status !== 303 || !typed.location.endsWith('/activate/confirm')) {
      throw new BenchError(`POST /activate answered ${typed.status} → ${typed.location}`);
    }
    const confirm = await this.#request('GET', '/activate/confirm');
    if (confirm.status !== 200) throw new BenchError(`GET /activate/confirm answered ${confirm.status} → ${confirm.location}`);
    return confirm;
  }

  /** Presses Approve: POST /activate/confirm → 303 /activate/done. Its arrival is t0. */
  async approve(userCode: string): Promise<Timed> {
    const r = await this.#request('POST', '/activate/confirm', { csrf: this.#csrf, user_code: userCode, decision: 'approve' });
    if (r.status !== 303 || !r.location.endsWith('/activate/done')) throw new BenchError(`POST /activate/confirm answered ${r.status} → ${r.location}`);
    return r;
  }
}

/**
 * Signs every approver in to the one demo account, at most four at a time: each attempt counts
 * against the account's progressive delay until it succeeds (src/limits/sign-in.ts: five free),
 * so 25 at once would be answered 429, as an attacker's would.
 */
export async function signInAll(approvers: readonly Approver[]): Promise<void> {
  for (let i = 0; i < approvers.length; i += 4) await Promise.all(approvers.slice(i, i + 4).map((a) => a.signIn()));
}
