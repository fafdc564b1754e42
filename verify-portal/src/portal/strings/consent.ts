/** Strings of the consent screen, /consent (English). Scopes in plain words are shared with the confirm screen (`activate.scopes`). */
export const consent = {
  title: 'Allow access',
  heading: (app: string) => `${app} wants to use your Pairgate account`,
  signedInAs: (name: string, email: string) => `You are signed in as ${name} (${email}).`,
  canDo: 'It will be able to',
  returnTo: (place: string) => `Whatever you choose, you will go back to ${place}.`,
  thisComputer: 'an app on this computer',
  allow: 'Allow',
  cancel: 'Cancel',
  hint: 'Only allow apps you trust. You can withdraw this at any time under Devices and apps.',
  gone: {
    title: 'This sign-in request has ended',
    body: 'It expired or was already answered. Go back to the app and sign in again.',
  },
} as const;
