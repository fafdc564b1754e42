import { useEffect, useState } from 'react';
import { strings } from './strings';

/**
 * Time left on the code, in whole minutes. The text changes about once a minute, so the polite
 * live region is announced now and then, not every second (WCAG 2.2.2 / ARIA live regions).
 */
export function Countdown({ expiresAt }: { expiresAt: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(timer);
  }, []);
  const minutes = Math.max(0, Math.ceil((expiresAt - now) / 60_000));
  return (
    <p className="countdown" aria-live="polite" aria-atomic="true">
      {strings.expiresIn(minutes)}
    </p>
  );
}
