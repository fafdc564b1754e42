/**
 * Times on the portal's pages (English). The server does not know the person's time zone, so
 * recent times are relative ("2 minutes ago": right in every zone, and with JavaScript off);
 * older ones are absolute, rendered in UTC and said so, and re-rendered in the browser's own
 * time zone once the page runs (app/_ui/when.tsx).
 */

/** Up to this age a time reads best as "… ago"; beyond it, as a date. */
export const RELATIVE_FOR_MS = 7 * 24 * 60 * 60 * 1000;

/** "just now", "2 minutes ago", "3 hours ago", "yesterday", "4 days ago". */
export function timeAgo(thenMs: number, nowMs: number, locale = 'en'): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 30) return 'just now';
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (seconds < 3600) return rtf.format(-Math.max(1, Math.round(seconds / 60)), 'minute');
  if (seconds < 86_400) return rtf.format(-Math.round(seconds / 3600), 'hour');
  return rtf.format(-Math.round(seconds / 86_400), 'day');
}

/**
 * "Jan 1, 2026, 12:00 PM": in `timeZone` (undefined: the runtime's own, i.e. the browser's).
 * UTC says so, since it is the server's fallback and likely not the reader's zone.
 */
export function formatDateTime(ms: number, timeZone?: 'UTC', locale = 'en'): string {
  const text = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(ms);
  return timeZone ? `${text} UTC` : text;
}

/**
 * How long to wait, for "You can try again in …": whole seconds under a minute, else whole
 * minutes rounded up (never a wait shorter than the real one), singular or plural.
 */
export function waitTime(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return s === 1 ? '1 second' : `${s} seconds`;
  const minutes = Math.ceil(s / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
