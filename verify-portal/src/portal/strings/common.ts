/** Strings shared by every page (English). One module per page group, ready for translation. */
export const common = {
  lang: 'en',
  product: 'Pairgate',
  skipToContent: 'Skip to content',
  signOut: 'Sign out',
  signedInAs: (name: string) => `Signed in as ${name}`,
  yourDevices: 'Devices and apps',
  enterACode: 'Enter a code',
  home: {
    title: 'Pairgate',
    lead: 'Sign in on your TV, kiosk or other screen with your phone.',
    cta: 'Enter a code from a screen',
  },
  tooManyTries: {
    title: 'Too many tries',
    body: 'Too many tries. Wait a minute and try again.',
    retry: (seconds: number) => `You can try again in about ${seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}.`,
  },
  formExpired: {
    title: 'Please try again',
    body: 'This form has expired or did not come from this site, so nothing was changed. Go back, reload the page and try again.',
  },
  badRequest: {
    title: 'Something is missing',
    body: 'We could not read what was sent. Go back and try again.',
  },
  serverError: {
    title: 'Something went wrong',
    body: 'Something went wrong on our side and nothing was changed. Please try again in a moment.',
  },
  unavailable: {
    title: 'Back in a moment',
    body: 'We cannot reach our records right now, so nothing was changed. Please try again in a few seconds.',
  },
  notFound: {
    title: 'Page not found',
    body: 'There is no page at this address.',
  },
  back: 'Go back',
  startOver: 'Start over',
} as const;
