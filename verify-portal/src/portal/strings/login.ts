/** Strings of the sign-in page (English). */
export const login = {
  title: 'Sign in',
  lead: 'Sign in to connect a screen to your account.',
  /** The app asked for a fresh sign-in (prompt=login, max_age). */
  reauthLead: 'The app asks you to enter your password again.',
  email: 'Email',
  password: 'Password',
  submit: 'Sign in',
  // Deliberately the same whether or not the account exists.
  wrongCredentials: 'That email and password do not match. Check them and try again.',
  signedOut: 'You are signed out.',
} as const;
