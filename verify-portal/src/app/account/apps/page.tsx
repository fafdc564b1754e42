import { redirect } from 'next/navigation';

/** GET /account/apps: the withdraw form posts here; the list itself is on /account/devices. */
export default function AppsPage(): never {
  redirect('/account/devices');
}
