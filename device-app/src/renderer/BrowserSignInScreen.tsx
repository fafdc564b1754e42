import { useEffect, useRef } from 'react';
import type { Command, ViewState } from '../core/view-state';
import { strings } from './strings';

type BrowserSignIn = Extract<ViewState, { screen: 'browser-sign-in' }>;

/**
 * Desktop mode: "Sign in with your browser". The app (main) opens the system browser and waits
 * for it on a loopback port (RFC 8252); this screen only shows where that stands, with Cancel
 * while the browser is open and "Try again" after a failure.
 */
export function BrowserSignInScreen({ view, send }: { view: BrowserSignIn; send: (command: Command) => void }) {
  const { status } = view;
  const button = useRef<HTMLButtonElement>(null);
  const busy = status === 'starting' || status === 'waiting' || status === 'finishing';
  useEffect(() => button.current?.focus(), [status]);

  const statusText = status === 'failed' ? `${strings.browser.status.failed} ${strings.browser.failure[view.failure ?? 'exchange-failed']}` : strings.browser.status[status];

  return (
    <main className="screen browser-sign-in" data-status={status}>
      <h1 className="title">{strings.browser.title}</h1>
      <p className="lead">{strings.browser.intro}</p>
      <div className={status === 'failed' ? 'status-bar prominent' : 'status-bar'}>
        <p className="status" role={status === 'failed' ? 'alert' : 'status'} data-testid="status">
          {statusText}
        </p>
        {busy ? (
          <button ref={button} type="button" className="secondary" disabled={status === 'finishing'} onClick={() => send({ type: 'cancel' })}>
            {strings.browser.cancel}
          </button>
        ) : (
          <button ref={button} type="button" className="primary" onClick={() => send({ type: 'sign-in' })}>
            {status === 'failed' ? strings.browser.tryAgain : strings.browser.button}
          </button>
        )}
        {view.notice && <p className="notice">{strings.notice[view.notice]}</p>}
      </div>
    </main>
  );
}
