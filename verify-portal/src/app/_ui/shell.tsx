import type { ReactNode } from 'react';
import type { Viewer } from '../../portal/loaders/types';
import { common } from '../../portal/strings/common';

/** The frame of every page: a small header (who is signed in, sign out) and the main column. */
export function Shell({ viewer, children }: { viewer?: Viewer | undefined; children: ReactNode }) {
  return (
    <>
      <header className="top">
        <a className="brand" href="/">
          {common.product}
        </a>
        {viewer && (
          <nav aria-label="Account">
            <a href="/account/devices">{common.yourDevices}</a>
            <form method="post" action="/logout" className="inline">
              <input type="hidden" name="csrf" value={viewer.csrf} />
              <button type="submit" className="link">
                {common.signOut}
              </button>
            </form>
          </nav>
        )}
      </header>
      <main id="main">{children}</main>
    </>
  );
}

export function Notice({ kind, children }: { kind: 'error' | 'warning' | 'info'; children: ReactNode }) {
  return (
    <p className={`notice ${kind}`} role={kind === 'info' ? 'status' : 'alert'}>
      {children}
    </p>
  );
}
