/**
 * The portal's state-changing forms, framework-free like the OAuth core: a parsed request in,
 * a plain result out. The custom server routes their POSTs here before Next.js, so status codes
 * (303, 403, 429) and headers are ours, and every form works with JavaScript off.
 */
import type { Provider } from '../../oauth/provider';
import type { Store } from '../../store/store';
import type { portalDefaults } from '../defaults';
import type { CookieNames } from '../session';

export interface FormRequest {
  path: string;
  form: URLSearchParams;
  cookies: ReadonlyMap<string, string>;
  /** See `http/client-ip.ts`. */
  clientIp: string;
  now: number;
}

export type StatusPage = 'too-many-tries' | 'form-expired' | 'bad-request';

export type FormResult =
  /** Post/Redirect/Get: 303 so a reload never re-submits. */
  | { kind: 'redirect'; location: string; setCookies?: string[] }
  | { kind: 'page'; status: 400 | 403 | 429; page: StatusPage; retryAfterSeconds?: number }
  /** A complete document from the OAuth core (the form-post answer to an app), with its own headers and CSP. */
  | { kind: 'document'; status: 200; headers: Record<string, string>; html: string };

export interface FormContext {
  store: Store;
  provider: Provider;
  /** Cookies get `Secure` and `__Host-` names (the issuer is https). */
  secure: boolean;
  names: CookieNames;
  settings: typeof portalDefaults;
}

export type FormHandler = (ctx: FormContext, req: FormRequest) => Promise<FormResult>;

export const redirect = (location: string, setCookies?: string[]): FormResult =>
  setCookies ? { kind: 'redirect', location, setCookies } : { kind: 'redirect', location };

/** CSRF check failed (or no session): 403, nothing changed. */
export const formExpired = (): FormResult => ({ kind: 'page', status: 403, page: 'form-expired' });

export const badRequest = (): FormResult => ({ kind: 'page', status: 400, page: 'bad-request' });

export const tooManyTries = (retryAfterSeconds: number): FormResult => ({ kind: 'page', status: 429, page: 'too-many-tries', retryAfterSeconds });

/** A login URL that comes back to `path` afterwards. */
export const loginThen = (path: string): string => `/login?next=${encodeURIComponent(path)}`;
