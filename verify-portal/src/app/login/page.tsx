import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { firstParam, loaders, pageRequest } from '../../portal/page-request';
import { safeNextPath } from '../../portal/safe-next';
import { login } from '../../portal/strings/login';
import { Notice, Shell } from '../_ui/shell';

export const metadata: Metadata = { title: login.title };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * GET /login. The form posts to the framework-free handler in src/portal/forms/login.ts.
 * From the authorization endpoint: `login_hint` prefills the email (OIDC Core §3.1.2.1), and
 * `reauth=1` (prompt=login, max_age) asks for the password even when signed in.
 */
export default async function LoginPage({ searchParams }: Props) {
  const params = await searchParams;
  const next = safeNextPath(firstParam(params.next));
  const reauth = firstParam(params.reauth) === '1';
  const screen = await loaders().loginScreen(await pageRequest());
  if (screen.signedInEmail !== undefined && !reauth) redirect(next);
  const hint = firstParam(params.login_hint)?.trim().slice(0, 254) || (reauth ? screen.signedInEmail : undefined);
  const failed = firstParam(params.error) === 'credentials';

  return (
    <Shell>
      <h1>{login.title}</h1>
      <p>{reauth ? login.reauthLead : login.lead}</p>
      {failed && <Notice kind="error">{login.wrongCredentials}</Notice>}
      {firstParam(params.signed_out) === '1' && <Notice kind="info">{login.signedOut}</Notice>}
      <form method="post" action="/login" data-form="login" className="stack">
        <input type="hidden" name="csrf" value={screen.csrf} />
        <input type="hidden" name="next" value={next} />
        {reauth && <input type="hidden" name="reauth" value="1" />}
        <label htmlFor="email">{login.email}</label>
        <input id="email" name="email" type="email" autoComplete="username" autoCapitalize="none" spellCheck={false} required aria-invalid={failed || undefined} defaultValue={hint} />
        <label htmlFor="password">{login.password}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required aria-invalid={failed || undefined} />
        <button type="submit" className="button primary">
          {login.submit}
        </button>
      </form>
    </Shell>
  );
}
