import { RELATIVE_FOR_MS, timeAgo } from '../../portal/strings/time';
import { LocalTime } from './local-time';

/** A past moment: "2 minutes ago" while recent (right in every time zone), else the date in the reader's zone. */
export function When({ at, now }: { at: number; now: number }) {
  if (now - at < RELATIVE_FOR_MS) return <time dateTime={new Date(at).toISOString()}>{timeAgo(at, now)}</time>;
  return <LocalTime at={at} />;
}
