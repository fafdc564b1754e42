/** Strings of /account/devices (English). */
export const account = {
  title: 'Your devices',
  lead: 'Screens signed in to your account.',
  none: 'No devices are signed in to your account.',
  app: 'App',
  model: 'Model',
  approved: 'Approved',
  lastUsed: 'Last used',
  neverUsed: 'Not yet',
  unnamedDevice: 'Unnamed device',
  signOutDevice: 'Sign out this device',
  /** Read by screen readers after the button text, so each button names its device. */
  signOutDeviceSuffix: (device: string) => `: ${device}`,
  tokenNote: (minutes: number) =>
    `Signing a device out takes effect within ${minutes} minutes: what it already holds lasts at most that long, and it cannot get more.`,
  signedOutDevice: 'The device is signed out. It will stop working within a few minutes.',
  deviceNotFound: 'That device was already signed out.',
  signOutEverywhere: 'Sign out of this page',
} as const;

export function formatDateTime(ms: number, locale = 'en'): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(ms) + ' UTC';
}
