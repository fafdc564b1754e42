import type { Metadata } from 'next';
import { firstParam, requireSession } from '../../portal/page-session';
import { consentPath } from '../../portal/forms/consent';
import { portalServices } from '../../portal/services';
import { consent } from '../../portal/strings/consent';
import { ScopeList } from '../_ui/scopes';
import { Shell } from '../_ui/shell';

export const metadata: Metadata = { title: consent.title };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Loopback redirect URIs (RFC 8252 §7.3) belong to an app on this computer, whatever the port. */
function placeOf(redirectUri: string): string {
  const url = new URL(redirectUri);
  if (url.hostname === '127.0.0.1' || url.hostname === '[::1]') return consent.thisComputer;
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.hostname : consent.thisComputer;
}

/**
 * GET /consent?request=… — the consent screen (OIDC Core §3.1.2.4) for an app that is not
 * first-party: who asks, what it will be able to do, where the answer goes; Allow or Cancel.
 * Everything shown comes from the request the OAuth core kept server-side, never from the URL.
 */
export default async function ConsentPage({ searchParams }: Props) {
  const requestId = firstParam((await searchParams).request)?.slice(0, 64) ?? '';
  const session = await requireSession(requestId ? consentPath(requestId) : '/account/devices');
  const pending = requestId ? await portalServices().provider.pendingAuthorization(requestId, session.record.userId) : undefined;

  if (!pending) {
    return (
      <Shell session={session}>
        <div data-consent="gone">
          <h1>{consent.gone.title}</h1>
          <p className="lead">{consent.gone.body}</p>
        </div>
      </Shell>
    );
  }

  return (
    <Shell session={session}>
      <h1>{consent.heading(pending.client.name)}</h1>
      <p>{consent.signedInAs(session.user.name, session.user.email)}</p>

      <h2>{consent.canDo}</h2>
      <ScopeList scopes={pending.scope} />
      <p className="hint">{consent.returnTo(placeOf(pending.redirectUri))}</p>

      <form method="post" action="/consent" data-form="consent" className="decide">
        <input type="hidden" name="csrf" value={session.csrf} />
        <input type="hidden" name="request" value={requestId} />
        <button type="submit" name="decision" value="allow" className="button primary">
          {consent.allow}
        </button>
        <button type="submit" name="decision" value="deny" className="button secondary">
          {consent.cancel}
        </button>
      </form>
      <p className="hint">{consent.hint}</p>
    </Shell>
  );
}
