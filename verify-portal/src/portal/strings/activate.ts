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
    /** The main name is the device's own (it named itself at /oauth/device/code); the app is named once, in the details. */
    heading: (device: string) => `Sign in on ${device}?`,
    thisScreen: 'this screen',
    signedInAs: 'Signed in as',
    notYou: 'not you?',
    switchAccount: 'Switch',
    /** Read by screen readers after "Switch". */
    switchAccountSuffix: ' account',
    checkCode: 'Check that this matches the code on your screen',
    details: 'Details',
    app: 'App',
    model: 'Model',
    requested: 'Requested',
    network: 'Network',
    sameNetwork: 'The same as this phone',
    otherNetwork: 'Not the same as this phone',
    canDo: 'It will be able to',
    differentNetwork: 'This request came from a different network than the one you are on. Only continue if the device is in front of you.',
    approve: 'Approve',
    deny: 'Deny',
    denyHint: 'Did not start this? Choose Deny. Nothing will be signed in.',
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
