/** Where the built files are, relative to the bundled main (`dist/electron/main.cjs`). */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export function appPaths(electronDir: string) {
  const page = path.join(electronDir, '..', 'renderer', 'index.html');
  return {
    page,
    /** The URL the page's frames report; IPC senders must match it. */
    pageUrl: pathToFileURL(page).href,
    preload: path.join(electronDir, 'preload.cjs'),
  };
}
