import { activate } from './activate';
import { apps } from './apps';
import { confirm } from './confirm';
import { consent } from './consent';
import { devices } from './devices';
import { disown } from './disown';
import { login } from './login';
import { logout } from './logout';
import type { FormHandler } from './types';

/** Every form POST the portal accepts, by path. The pages at the same paths render the forms. */
export const formHandlers: Readonly<Record<string, FormHandler>> = {
  '/login': login,
  '/logout': logout,
  '/activate': activate,
  '/activate/confirm': confirm,
  '/activate/done': disown,
  '/account/devices': devices,
  '/account/apps': apps,
  '/consent': consent,
};

export function formHandlerFor(path: string): FormHandler | undefined {
  return Object.hasOwn(formHandlers, path) ? formHandlers[path] : undefined;
}
