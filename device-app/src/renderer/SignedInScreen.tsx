import { useEffect, useRef } from 'react';
import type { Command, ShownDevices, ViewState } from '../core/view-state';
import { strings } from './strings';

type SignedIn = Extract<ViewState, { screen: 'signed-in' }>;

export function SignedInScreen({ view, send }: { view: SignedIn; send: (command: Command) => void }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <main className={view.devices?.status === 'ready' ? 'screen signed-in with-devices' : 'screen signed-in'}>
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
      {view.devices && <Devices devices={view.devices} />}
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

/** "Your devices": a few rows, this one marked, the rest counted; a quiet note if the list failed. */
function Devices({ devices }: { devices: ShownDevices }) {
  switch (devices.status) {
    case 'loading':
      return null;
    case 'unavailable':
      return (
        <p className="notice devices-note" data-testid="devices">
          {strings.devices.unavailable}
        </p>
      );
    case 'ready': {
      if (devices.items.length === 0) return null;
      // The app's name only where it tells the rows apart (not "Pairgate TV" on every line).
      const showApp = new Set(devices.items.map((device) => device.app)).size > 1;
      return (
        <section className="devices" aria-labelledby="devices-title" data-testid="devices">
          <h2 id="devices-title" className="lead">
            {strings.devices.title}
          </h2>
          <ul>
            {devices.items.map((device, index) => (
              <li key={index} className={device.current ? 'current' : undefined}>
                <span className="device-name">{device.name}</span>
                {device.current && <span className="this-device">{strings.devices.current}</span>}
                {showApp && device.app && <span className="device-app">{device.app}</span>}
              </li>
            ))}
          </ul>
          {devices.more > 0 && <p className="more">{strings.devices.more(devices.more)}</p>}
        </section>
      );
    }
  }
}
