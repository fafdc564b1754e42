/**
 * The QR as SVG markup, drawn synchronously: the web host renders the first screen with it on the
 * server, and the page's first render must produce the very same markup (no empty frame while a
 * QR is being made). One path of dark runs on a white square that includes the quiet zone, so it
 * scans on any background; `crispEdges` keeps module edges sharp when scaled to any screen.
 */
import { qrMatrix } from '../core/qr-matrix';

export function qrSvg(text: string): string {
  const { size, dark } = qrMatrix(text);
  let path = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; ) {
      if (!dark(x, y)) {
        x += 1;
        continue;
      }
      let run = 1;
      while (x + run < size && dark(x + run, y)) run += 1;
      path += `M${x} ${y}h${run}v1h-${run}z`;
      x += run;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges"><path fill="#fff" d="M0 0h${size}v${size}H0z"/><path fill="#000" d="${path}"/></svg>`;
}
