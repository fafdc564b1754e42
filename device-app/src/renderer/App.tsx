import { useCallback, useEffect } from 'react';
import type { Host } from '../core/host';
import type { Command } from '../core/view-state';
import { BrowserSignInScreen } from './BrowserSignInScreen';
import { PairingScreen } from './PairingScreen';
import { SignedInScreen } from './SignedInScreen';
import { strings } from './strings';
import { useViewState } from './use-view-state';

export function App({ host }: { host: Host }) {
  const view = useViewState(host);
  const send = useCallback((command: Command) => host.send(command), [host]);
  useEffect(() => {
    const title = view?.screen === 'signed-in' ? strings.signedIn : view?.screen === 'browser-sign-in' ? strings.browser.title : strings.pairingTitle;
    document.title = `${title} — ${strings.appName}`;
  }, [view?.screen]);
  if (view === null) {
    return (
      <main className="screen">
        <p className="lead">{strings.loading}</p>
      </main>
    );
  }
  switch (view.screen) {
    case 'pairing':
      return <PairingScreen view={view} send={send} />;
    case 'signed-in':
      return <SignedInScreen view={view} send={send} />;
    case 'browser-sign-in':
      return <BrowserSignInScreen view={view} send={send} />;
  }
}
