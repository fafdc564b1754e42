import { waitTime } from './time';

/** Strings shared by every page (English). One module per page group, ready for translation. */
export const common = {
  lang: 'en',
  product: 'Pairgate',
  signOut: 'Sign out',
  yourDevices: 'Devices and apps',
  home: {
    title: 'Pairgate',
    lead: 'Sign in on your TV, kiosk or other screen with your phone.',
    cta: 'Enter a code from a screen',
  },
  tooManyTries: {
    title: 'Too many tries',
    body: 'There were too many wrong tries in a short time, so this is paused for a while to keep accounts safe.',
    /** `seconds`: the Retry-After the limit computed; the text never promises less. */
    retry: (seconds: number) => `You can try again in ${waitTime(seconds)}.`,
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
  startOver: 'Start over',
} as const;
