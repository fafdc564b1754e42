/**
 * Desktop mode's side of main: the system browser and the loopback listener the core's
 * browser sign-in uses (RFC 8252 §6, §7.3). `shell.openExternal` hands a URL to whatever the OS
 * opens it with, so only the configured issuer's pages are ever handed over: not whatever a
 * discovery document (or anything else) might put there.
 */
import { shell } from 'electron';
import { isIssuerUrl, type BrowserHost } from '../core/desktop-sign-in';
import { loopbackFactory } from './loopback';

export class UntrustedUrlError extends Error {
  override readonly name = 'UntrustedUrlError';
}

/** Opens `url` in the system browser if, and only if, it is on the issuer's origin. */
export async function openIssuerPage(url: string, issuer: string): Promise<void> {
  if (!isIssuerUrl(url, issuer)) throw new UntrustedUrlError('Refused to open a page that is not on the configured issuer.');
  await shell.openExternal(url, { activate: true });
}

export function setupBrowserHost(config: { issuer: string }): BrowserHost {
  return {
    openBrowser: (url) => openIssuerPage(url, config.issuer),
    loopback: loopbackFactory,
  };
}
