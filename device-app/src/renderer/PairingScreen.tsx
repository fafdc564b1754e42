import { useEffect, useRef } from 'react';
import type { Command, ViewState } from '../core/view-state';
import { Countdown } from './Countdown';
import { Qr } from './Qr';
import { strings } from './strings';

type Pairing = Extract<ViewState, { screen: 'pairing' }>;

/** The URL as a person types it: no scheme, no trailing slash. */
function shortUrl(uri: string): string {
  return uri.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

export function PairingScreen({ view, send }: { view: Pairing; send: (command: Command) => void }) {
  const { code, status, match } = view;
  const needsAction = status === 'denied' || status === 'failed' || status === 'expired';
  const button = useRef<HTMLButtonElement>(null);

  // No mouse on a TV: the one thing to do gets the focus, and on the expired screen any key does it.
  useEffect(() => {
    if (!needsAction) return;
    button.current?.focus();
    if (status !== 'expired') return;
    const onKey = (event: KeyboardEvent) => {
      if (event.repeat) return;
      event.preventDefault();
      send({ type: 'restart' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [needsAction, status, send]);

  const statusText = status === 'failed' ? `${strings.status.failed} ${strings.failure[view.failure ?? 'unknown']}` : strings.status[status];

  return (
    <main className="screen pairing" data-status={status} data-match={match ?? undefined}>
      <h1 className="title">{strings.pairingTitle}</h1>
      {code && !needsAction ? (
        <div className="pairing-body">
          <figure className="qr-box">
            <Qr value={code.qrUri} />
            <figcaption>{strings.scanQr}</figcaption>
          </figure>
          <div className="manual">
            <p className="lead">{strings.orGoTo}</p>
            <p className="url">{shortUrl(code.verificationUri)}</p>
            <p className="lead">{strings.andEnterCode}</p>
            <div className="code-row">
              <p className="code" role="img" aria-label={strings.codeLabel(code.spokenCode)} data-code={code.userCode}>
                {code.userCode}
              </p>
              {/* Number matching (RFC 10027): the phone asks which of three numbers is on this screen. */}
              {match && (
                <div className="match">
                  <p className="match-number" aria-hidden="true">
                    {match}
                  </p>
                  <p className="match-line">{strings.pickOnPhone(match)}</p>
                </div>
              )}
            </div>
            <Countdown expiresAt={code.expiresAt} />
          </div>
        </div>
      ) : null}
      {/* One status element in every state, so screen readers announce each change. When the
          person has to act, or there is no code yet, it becomes the whole screen: large message, the button under it. */}
      <div className={needsAction || !code ? 'status-bar prominent' : 'status-bar'}>
        <p className="status" role="status" data-testid="status">
          {statusText}
          {status === 'reconnecting' && code ? <span className="detail"> {strings.reconnectingDetail}</span> : null}
        </p>
        {needsAction && (
          <button ref={button} type="button" className="primary" onClick={() => send({ type: 'restart' })}>
            {status === 'expired' ? strings.newCode : strings.startAgain}
          </button>
        )}
        {view.notice && <p className="notice">{strings.notice[view.notice]}</p>}
      </div>
    </main>
  );
}
