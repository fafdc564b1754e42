/**
 * A person at the portal without a browser: its pages and forms over plain HTTP (fetch), cookies
 * carried by hand, redirects not followed (tests read them). For suites that need a signed-in
 * person but not a rendered page; the browser suites use phone.ts.
 */
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export interface Visitor {
  /** GET, with this visitor's cookies and headers. */
  get(path: string): Promise<Response>;
  /** POST a form, with this visitor's cookies and headers. */
  post(path: string, form: Record<string, string>): Promise<Response>;
  /** The CSRF token of the form on `path` (GET, which also sets the pre-session cookie on /login). */
  csrf(path: string): Promise<string>;
  /** Signs in through /login; throws unless the portal accepts. */
  signIn(email: string, password: string): Promise<void>;
  /** The Cookie header this visitor sends. */
  cookie(): string;
}

export function visitPortal(issuer: string, options: { headers?: Record<string, string> } = {}): Visitor {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const keep = (response: Response): Response => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      // A cookie set to expire now is the portal deleting it.
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
  const headers = (extra: Record<string, string> = {}) => ({ ...options.headers, ...extra, ...(jar.size > 0 ? { cookie: cookie() } : {}) });

  const visitor: Visitor = {
    get: async (path) => keep(await fetch(`${issuer}${path}`, { headers: headers(), redirect: 'manual' })),
    post: async (path, form) => keep(await fetch(`${issuer}${path}`, { method: 'POST', headers: headers(FORM), body: new URLSearchParams(form), redirect: 'manual' })),
    async csrf(path) {
      const html = await (await visitor.get(path)).text();
      const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
      if (!token) throw new Error(`no CSRF field on ${path}`);
      return token;
    },
    async signIn(email, password) {
      const response = await visitor.post('/login', { csrf: await visitor.csrf('/login'), email, password, next: '/activate' });
      if (response.status !== 303 || new URL(response.headers.get('location') ?? '/', issuer).pathname === '/login') {
        throw new Error(`sign-in refused: ${response.status} → ${response.headers.get('location')}`);
      }
    },
    cookie,
  };
  return visitor;
}
