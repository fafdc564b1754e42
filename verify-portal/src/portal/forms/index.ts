import { activate } from './activate';
import { confirm } from './confirm';
import { devices } from './devices';
import { login } from './login';
import { logout } from './logout';
import type { FormHandler } from './types';

/** Every form POST the portal accepts, by path. The pages at the same paths render the forms. */
export const formHandlers: Readonly<Record<string, FormHandler>> = {
  '/login': login,
  '/logout': logout,
  '/activate': activate,
  '/activate/confirm': confirm,
  '/account/devices': devices,
};

export function formHandlerFor(path: string): FormHandler | undefined {
  return Object.hasOwn(formHandlers, path) ? formHandlers[path] : undefined;
}
