import { useEffect, useRef } from 'react';
import type { Command, ViewState } from '../core/view-state';
import { strings } from './strings';

type SignedIn = Extract<ViewState, { screen: 'signed-in' }>;

export function SignedInScreen({ view, send }: { view: SignedIn; send: (command: Command) => void }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <main className="screen signed-in">
      <div className="who">
        {view.name ? (
          <>
            <p className="lead">{strings.signedInAs}</p>
            <h1 className="name" data-testid="name">
              {view.name}
            </h1>
          </>
        ) : (
          <h1 className="name">{strings.signedIn}</h1>
        )}
      </div>
      <div className="status-bar">
        <button ref={button} type="button" className="primary" disabled={view.signingOut} onClick={() => send({ type: 'sign-out' })}>
          {view.signingOut ? strings.signingOut : strings.signOut}
        </button>
        {view.notice && (
          <p className="notice" role="status">
            {strings.notice[view.notice]}
          </p>
        )}
      </div>
    </main>
  );
}
