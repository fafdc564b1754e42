/**
 * The portal's page loaders: one per page, each returning exactly what its page renders (see
 * types.ts). The custom server builds them once on the store and the OAuth core and registers
 * them for the pages (bridge.ts); the pages never see the store or the core.
 */
import { portalDefaults } from '../defaults';
import type { FormContext } from '../forms/types';
import { cookieNames } from '../session';
import { accountOverview } from './account';
import { activateScreen, doneScreen } from './activate';
import { confirmScreen } from './confirm';
import { consentScreen, loginScreen } from './consent';
import type { PortalLoaders } from './types';
import { signedIn } from './viewer';

export type { PortalLoaders } from './types';
export { setPortalLoaders } from './bridge';

/** The same context the form handlers get (forms/types.ts): the store, the core, cookie names and settings. */
export function createPortalLoaders(deps: Omit<FormContext, 'names' | 'settings'>): PortalLoaders {
  const ctx: FormContext = { ...deps, names: cookieNames(deps.secure), settings: portalDefaults };
  return {
    cookieNames: ctx.names,
    viewer: async (req) => (await signedIn(ctx, req))?.viewer,
    loginScreen: (req) => loginScreen(ctx, req),
    activateScreen: (req, linkCode) => activateScreen(ctx, req, linkCode),
    confirmScreen: (req) => confirmScreen(ctx, req),
    doneScreen: (req) => doneScreen(ctx, req),
    accountOverview: (req) => accountOverview(ctx, req),
    consentScreen: (req, requestId) => consentScreen(ctx, req, requestId),
  };
}
