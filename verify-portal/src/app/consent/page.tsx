import type { Metadata } from 'next';
import { consentPath } from '../../portal/forms/consent';
import { firstParam, loaders, pageRequest, signInFirst } from '../../portal/page-request';
import { consent } from '../../portal/strings/consent';
import { DecisionForm } from '../_ui/decision-form';
import { ScopeList } from '../_ui/scopes';
import { Shell } from '../_ui/shell';

export const metadata: Metadata = { title: consent.title };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * GET /consent?request=… — the consent screen (OIDC Core §3.1.2.4) for an app that is not
 * first-party: who asks, what it will be able to do, where the answer goes; Allow or Cancel.
 * Everything shown comes from the request the OAuth core kept server-side, never from the URL.
 */
export default async function ConsentPage({ searchParams }: Props) {
  const requestId = firstParam((await searchParams).request)?.slice(0, 64) ?? '';
  const screen = await loaders().consentScreen(await pageRequest(), requestId);
  if (screen.kind === 'signed-out') signInFirst(requestId ? consentPath(requestId) : '/account/devices');

  if (screen.kind === 'gone') {
    return (
      <Shell viewer={screen.viewer}>
        <div data-consent="gone">
          <h1>{consent.gone.title}</h1>
          <p className="lead">{consent.gone.body}</p>
        </div>
      </Shell>
    );
  }

  const { viewer } = screen;
  return (
    <Shell viewer={viewer}>
      <h1>{consent.heading(screen.appName)}</h1>
      <p>{consent.signedInAs(viewer.name, viewer.email)}</p>

      <h2>{consent.canDo}</h2>
      <ScopeList scopes={screen.scopes} />
      <p className="hint">{consent.returnTo(screen.returnsToHost ?? consent.thisComputer)}</p>

      <DecisionForm
        action="/consent"
        form="consent"
        csrf={viewer.csrf}
        subject={{ request: screen.requestId }}
        decisions={[
          { value: 'allow', label: consent.allow, primary: true },
          { value: 'deny', label: consent.cancel },
        ]}
      />
      <p className="hint">{consent.hint}</p>
    </Shell>
  );
}
