/** Strings of the code entry, confirm and result pages (English). */
export const activate = {
  title: 'Connect a screen',
  lead: 'Enter the code shown on your TV or other screen.',
  codeLabel: 'Code',
  codeHint: 'Eight letters, like BCDF-GHJK. Capitals, spaces and the dash do not matter.',
  submit: 'Continue',
  wrongCode: 'That code is not valid. Check the code on your screen and try again.',
  notACode: 'Codes are eight letters, like BCDF-GHJK. Check the code on your screen and try again.',

  confirm: {
    title: 'Is this your screen?',
    lead: (app: string) => `${app} wants to sign in to your account.`,
    checkCode: 'Check that this matches the code on your screen',
    codeLabel: 'Code',
    device: 'Device',
    model: 'Model',
    app: 'App',
    requested: 'Requested',
    unnamedDevice: 'A device that did not give its name',
    canDo: 'It will be able to',
    differentNetwork: 'This request came from a different network than the one you are on. Only continue if the device is in front of you.',
    approve: 'Approve',
    deny: 'Deny',
    denyHint: 'Did not start this? Choose Deny. Nothing will be signed in.',
    nothingToConfirm: 'There is no code waiting for you to confirm.',
  },

  result: {
    approved: {
      title: 'Screen connected',
      body: (device: string) => `You're signed in on ${device}. You can close this page.`,
    },
    denied: {
      title: 'Request denied',
      body: 'Nothing was signed in. You can close this page.',
    },
    expired: {
      title: 'This code has expired',
      body: 'Ask the device for a new code, then enter it here.',
    },
    replaced: {
      title: 'This code has expired',
      body: 'Your screen is showing a new code now. Enter the code that is on your screen.',
    },
    'already-approved': {
      title: 'Already approved',
      body: 'This code has already been approved. Nothing more to do; you can close this page.',
    },
    'already-denied': {
      title: 'Already denied',
      body: 'This code has already been denied. Ask the device for a new code if you want to sign in.',
    },
    used: {
      title: 'Code already used',
      body: 'This code has already been used. Ask the device for a new code if you want to sign in again.',
    },
    unknown: {
      title: 'Code not found',
      body: 'This code is not valid any more. Ask the device for a new code.',
    },
    none: {
      title: 'Nothing here yet',
      body: 'Enter the code from your screen to connect it.',
    },
    thisDevice: 'the device',
    another: 'Connect another screen',
    enterCode: 'Enter a new code',
    manage: 'See your devices',
  },

  /** RFC 6749 §3.3 scopes in plain words: what the device will be able to do. */
  scopes: {
    openid: 'Know which account you signed in with',
    profile: 'See your name',
    email: 'See your email address',
    offline_access: 'Stay signed in until you sign it out',
    'devices:read': 'See which devices and apps are signed in to your account',
  } as Readonly<Record<string, string>>,
  unknownScope: (scope: string) => `Use the permission “${scope}”`,
} as const;

/** "just now", "2 minutes ago" — server-rendered, so it reads right with JavaScript off. */
export function timeAgo(thenMs: number, nowMs: number, locale = 'en'): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 30) return 'just now';
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (seconds < 3600) return rtf.format(-Math.max(1, Math.round(seconds / 60)), 'minute');
  if (seconds < 86_400) return rtf.format(-Math.round(seconds / 3600), 'hour');
  return rtf.format(-Math.round(seconds / 86_400), 'day');
}
