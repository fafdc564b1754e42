import { useMemo } from 'react';
import { qrSvg } from './qr-svg';
import { strings } from './strings';

/** The QR of the verification URI (RFC 8628 §3.3.1), with its 4-module quiet zone (`qr-matrix.ts`). */
export function Qr({ value }: { value: string }) {
  const markup = useMemo(() => qrSvg(value), [value]);
  // The markup is generated here from our own string, never from input.
  return <div className="qr" role="img" aria-label={strings.qrLabel} data-qr-value={value} dangerouslySetInnerHTML={{ __html: markup }} />;
}
