/** Strings of /account/devices, "Devices and apps" (English). */
export const account = {
  title: 'Devices and apps',
  lead: 'Screens and apps signed in to your account.',
  devicesHeading: 'Signed in',
  none: 'No devices are signed in to your account.',
  app: 'App',
  model: 'Model',
  approved: 'Approved',
  lastUsed: 'Last used',
  neverUsed: 'Not yet',
  signOutDevice: 'Sign out this device',
  /** For a sign-in without a device name (an app on a computer, through the browser). */
  signOutApp: 'Sign out',
  /** Read by screen readers after the button text, so each button names its device. */
  signOutDeviceSuffix: (device: string) => `: ${device}`,
  tokenNote: (minutes: number) =>
    `Signing a device out takes effect within ${minutes} minutes: what it already holds lasts at most that long, and it cannot get more.`,
  signedOutDevice: 'The device is signed out. If its screen is on, it has been told.',
  /** "This wasn't me" (RFC 10027): the same sign-out, for an approval the person did not make. */
  disown: "This wasn't me",
  disownSuffix: (device: string) => `: sign out ${device}, I did not approve it`,
  disowned: 'Signed out: that screen can no longer use your account. If someone sent you a code to approve, do not use codes from them again.',
  /** How the sign-in was approved (RFC 10027), when it came from a device code. */
  approvedFrom: 'Approval',
  near: 'From the same network',
  remote: 'From another network',
  remoteMatched: 'From another network, number matched',
  unknownPlace: 'From an unknown network',
  limited: 'Limited access',
  deviceNotFound: 'That device was already signed out.',
  /** Every device and app sign-in of this person; the portal session (this phone's browser) stays. */
  signOutEverywhere: 'Sign out everywhere else',
  signOutEverywhereHint: 'Signs out every device and app listed here. You stay signed in on this page.',
  signedOutEverywhere: 'All your devices and apps are signed out. Screens that are on have been told.',

  apps: {
    heading: 'Apps you allowed',
    lead: 'These apps may sign you in without asking again. Withdrawing also signs the app out.',
    none: 'You have not allowed any other apps.',
    allowed: 'Allowed',
    canDo: 'Can',
    withdraw: 'Withdraw',
    /** Read by screen readers after the button text, so each button names its app. */
    withdrawSuffix: (app: string) => ` permission for ${app}`,
    withdrawn: 'Permission withdrawn. The app is signed out and will have to ask you again.',
    notFound: 'That app had no permission left to withdraw.',
  },
} as const;
