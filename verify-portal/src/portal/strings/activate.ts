/** Strings of the code entry, confirm and result pages (English). */
export const activate = {
  title: 'Connect a screen',
  lead: 'Enter the code shown on your TV or other screen.',
  codeLabel: 'Code',
  codeHint: 'Eight letters, like BCDF-GHJK, or nine digits, like 123-456-789. Capitals, spaces and dashes do not matter.',
  submit: 'Continue',
  wrongCode: 'That code is not valid. Check the code on your screen and try again.',
  notACode: 'Codes are eight letters, like BCDF-GHJK, or nine digits, like 123-456-789. Check the code on your screen and try again.',

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
    /** RFC 10027 user education: the one sentence that defeats a phished code, where the decision is made. */
    denyHint: 'Did not start this, or did someone send you this code? Choose Deny. Nothing will be signed in.',
    /** Number matching (RFC 10027): the phone is not near the screen, so the person proves they can see it. */
    match: {
      question: 'Which number does your screen show?',
      why: 'This request came from a different network than this phone. To be sure the screen is in front of you, pick the number it shows next to the code.',
      /** Read by screen readers after each number. */
      pickSuffix: ' is the number on my screen',
      hint: 'No number on the screen, or not sure? Choose Deny. A wrong pick cancels the request.',
    },
    /** A limited grant (RFC 10027): fewer permissions for an approval from another network. */
    limited: 'Because this request came from another network, the screen gets only the permissions below, and for a limited time.',
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
    refused: {
      title: 'Not allowed from this network',
      body: 'This app can only be approved from a phone on the same network as its screen, so nothing was signed in. Connect this phone to the same Wi-Fi as the screen, then enter the new code it shows.',
    },
    'wrong-number': {
      title: 'That was not the number',
      body: 'Nothing was signed in. If the screen is in front of you, enter the new code it shows and try again. If it is not, someone may have sent you this code: do not use it.',
    },
    disowned: {
      title: 'Signed out',
      body: 'Everything that approval gave the screen has been taken back, and the screen has been told. If someone sent you the code, do not use codes from them again.',
    },
    none: {
      title: 'Nothing here yet',
      body: 'Enter the code from your screen to connect it.',
    },
    thisDevice: 'the device',
    another: 'Connect another screen',
    enterCode: 'Enter a new code',
    manage: 'See your devices',
    disown: "This wasn't me",
    disownHint: 'Approved a screen that is not in front of you? This signs it out at once.',
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
