import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { strings } from './strings';

/**
 * The QR of the verification URI (RFC 8628 §3.3.1). Error correction M (15 %) is enough for a
 * lit screen; the quiet zone is the 4 modules ISO/IEC 18004 asks for, drawn in the SVG's own
 * white so it survives any background. SVG scales to any screen without blur.
 */
export const QR_OPTIONS = { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } } as const;

export function Qr({ value }: { value: string }) {
  const [svg, setSvg] = useState<{ value: string; markup: string } | null>(null);
  useEffect(() => {
    let current = true;
    QRCode.toString(value, QR_OPTIONS).then(
      (markup) => current && setSvg({ value, markup }),
      () => current && setSvg(null),
    );
    return () => {
      current = false;
    };
  }, [value]);
  const markup = svg?.value === value ? svg.markup : '';
  // The markup is generated here by the qrcode package from our own string, never from input.
  return <div className="qr" role="img" aria-label={strings.qrLabel} data-qr-value={markup ? value : undefined} dangerouslySetInnerHTML={{ __html: markup }} />;
}
