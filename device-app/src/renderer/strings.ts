/**
 * Every string the kiosk shows or announces, in one place (for wording reviews and, later,
 * translation). Written for a person three metres away: short, plain, no jargon.
 */
import type { Failure, Notice, PairingStatus } from '../core/view-state';

export const strings = {
  appName: 'Pairgate',
  pairingTitle: 'Sign in on your phone',
  scanQr: 'Scan with your phone’s camera',
  qrLabel: 'QR code that opens the sign-in page on your phone',
  orGoTo: 'or go to',
  andEnterCode: 'and enter the code',
  goTo: 'Go to',
  codeLabel: (spoken: string) => `Your code is ${spoken}`,
  status: {
    connecting: 'Getting a code…',
    waiting: 'Waiting for you to approve on your phone…',
    opened: 'Continue on your phone…',
    reconnecting: 'Reconnecting…',
    renewing: 'Code expired — getting a new one…',
    expired: 'The code expired. Press any key for a new one.',
    denied: 'Access was denied.',
    failed: 'Something went wrong.',
  } satisfies Record<PairingStatus, string>,
  reconnectingDetail: 'The sign-in server cannot be reached. The code still works; this screen will carry on by itself.',
  failure: {
    'client-rejected': 'The sign-in server refused this device. Check the kiosk’s client id and scopes.',
    'bad-response': 'The sign-in server sent an answer this kiosk cannot use.',
    'id-token-invalid': 'The sign-in could not be verified, so it was not accepted.',
    unknown: 'Please try again.',
  } satisfies Record<Failure, string>,
  startAgain: 'Start again',
  newCode: 'Get a new code',
  expiresIn: (minutes: number) => (minutes <= 1 ? 'The code expires in less than a minute' : `The code expires in ${minutes} minutes`),
  signedInAs: 'Signed in as',
  signedIn: 'Signed in',
  signOut: 'Sign out',
  signingOut: 'Signing out…',
  notice: {
    'vault-plaintext-refused':
      'This kiosk cannot store your sign-in securely (no encrypted storage), so it will forget it when it restarts.',
    'vault-unavailable': 'This kiosk has no secure storage, so it will forget your sign-in when it restarts.',
    'sign-out-offline': 'The sign-in server could not be reached, but this kiosk has forgotten your sign-in.',
  } satisfies Record<Notice, string>,
  loading: 'Starting…',
  configError: 'The kiosk could not read its configuration.',
};
