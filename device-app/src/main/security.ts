/** Session-wide refusals that no page of ours ever needs lifted. */
import type { App, Session } from 'electron';

export function setupSecurity(app: Pick<App, 'on'>, session: Session): void {
  // Checklist §5: camera, microphone, notifications, geolocation… the kiosk asks for none of
  // them, so every request and every check is answered no.
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // Any web contents created later (there should be none) gets the same rules as the window.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
  });
}
