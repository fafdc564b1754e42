/**
 * The QR code of a verification URI (RFC 8628 §3.3.1) as a grid of modules, quiet zone included,
 * for every renderer: the screen's SVG and the terminal's half blocks. ISO/IEC 18004 asks for a
 * 4-module light margin around the symbol; readers may fail without it, so it is part of the grid
 * rather than left to a background colour.
 */
import QRCode from 'qrcode';

/** ISO/IEC 18004 §6.3.8: the quiet zone is 4 modules wide on every side. */
export const QR_QUIET_ZONE = 4;

export interface QrMatrix {
  /** Modules per side, quiet zone included. */
  size: number;
  /** Whether the module at column `x`, row `y` is dark (false outside the symbol). */
  dark(x: number, y: number): boolean;
}

/** Error correction M (15 %): enough for a lit screen or a terminal, and a smaller symbol than Q or H. */
export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const inner = modules.size;
  return {
    size: inner + 2 * QR_QUIET_ZONE,
    dark(x, y) {
      const col = x - QR_QUIET_ZONE;
      const row = y - QR_QUIET_ZONE;
      return col >= 0 && row >= 0 && col < inner && row < inner && modules.get(row, col) === 1;
    },
  };
}
