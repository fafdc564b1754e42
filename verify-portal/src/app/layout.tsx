import type { ReactNode } from 'react';
import type { Metadata, Viewport } from 'next';
import { common } from '../portal/strings/common';
import './globals.css';

/**
 * Every page is rendered per request: the CSP nonce is per request (Next.js reads it from the
 * request's content-security-policy header and puts it on its scripts), and every page reads
 * the session.
 */
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: common.product, template: `%s · ${common.product}` },
  description: 'Sign in on your TV or kiosk with your phone.',
  referrer: 'no-referrer',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#ffffff' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang={common.lang}>
      <body>{children}</body>
    </html>
  );
}
