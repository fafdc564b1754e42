'use client';
import { useSyncExternalStore } from 'react';
import { formatDateTime } from '../../portal/strings/time';

/** The time zone never changes under a page; nothing to subscribe to. */
const unchanging = () => () => {};

/**
 * An absolute time: in UTC from the server (which does not know the person's time zone; also
 * what shows with JavaScript off), then in the browser's own zone once the page runs. React
 * renders the server snapshot while hydrating, so the two never mismatch.
 */
export function LocalTime({ at }: { at: number }) {
  const text = useSyncExternalStore(
    unchanging,
    () => formatDateTime(at),
    () => formatDateTime(at, 'UTC'),
  );
  return <time dateTime={new Date(at).toISOString()}>{text}</time>;
}
