import type { ReactNode } from 'react';
import { common } from '../../portal/strings/common';
import type { PageSession } from '../../portal/page-session';

/** The frame of every page: a small header (who is signed in, sign out) and the main column. */
export function Shell({ session, children }: { session?: PageSession | undefined; children: ReactNode }) {
  return (
    <>
      <header className="top">
        <a className="brand" href="/">
          {common.product}
        </a>
        {session && (
          <nav aria-label="Account">
            <a href="/account/devices">{common.yourDevices}</a>
            <form method="post" action="/logout" className="inline">
              <input type="hidden" name="csrf" value={session.csrf} />
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
