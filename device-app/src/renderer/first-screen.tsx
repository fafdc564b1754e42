/**
 * The web host's first screen, rendered on the server with the renderer's own components: the
 * pairing screen with the code the host has just asked for, so the code and the QR are on screen
 * at first paint, before any script has run (a TV's JavaScript engine can take a second to start
 * a bundle). The page's first render draws the same view, so nothing flickers when it takes over.
 * Built to dist/renderer/first-screen.mjs (Node) next to app.js.
 */
import { renderToString } from 'react-dom/server';
import type { Host } from '../core/host';
import type { ViewState } from '../core/view-state';
import { App } from './App';

export function renderFirstScreen(view: ViewState): string {
  const host: Host = { getState: () => view, subscribe: () => () => undefined, send: () => undefined };
  return renderToString(<App host={host} />);
}
