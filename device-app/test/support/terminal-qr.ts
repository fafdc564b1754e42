/**
 * Reads a QR code back out of what `pairgate login` printed: the half-block characters (each
 * two modules stacked, the glyph drawing the light ones) turned back into modules, drawn as
 * pixels and decoded with a real QR decoder (jsQR) — what a phone pointed at the terminal does.
 */
import jsQR from 'jsqr';

const LIGHT_TOP = new Set(['█', '▀']);
const LIGHT_BOTTOM = new Set(['█', '▄']);
const QR_LINE = /^[ ▀▄█]{29,}$/;
/** ANSI SGR sequences (colours) and the status line's carriage-return-and-erase. */
const ANSI = /\x1b\[[0-9;]*[A-Za-z]|\r/g;

export interface TerminalQr {
  /** What the code decodes to; undefined if it does not decode. */
  text: string | undefined;
  /** Light modules around the symbol: top, left, right, bottom (the narrowest side counts). */
  quietZone: number;
}

export function readTerminalQr(output: string): TerminalQr {
  const lines = output.split('\n').map((line) => line.replace(ANSI, ''));
  const start = lines.findIndex((line) => QR_LINE.test(line));
  if (start === -1) throw new Error('no QR code in the output');
  const rows: string[] = [];
  for (let i = start; i < lines.length && QR_LINE.test(lines[i] as string); i++) rows.push(lines[i] as string);
  // Back to modules: true = dark.
  const modules: boolean[][] = [];
  for (const row of rows) {
    modules.push([...row].map((c) => !LIGHT_TOP.has(c)));
    modules.push([...row].map((c) => !LIGHT_BOTTOM.has(c)));
  }
  const height = modules.length;
  const width = modules[0]?.length ?? 0;
  const darkRows = modules.map((row) => row.some(Boolean));
  const darkCols = Array.from({ length: width }, (_, x) => modules.some((row) => row[x]));
  const quietZone = Math.min(darkRows.indexOf(true), darkCols.indexOf(true), width - 1 - darkCols.lastIndexOf(true), height - 1 - darkRows.lastIndexOf(true));

  const scale = 4;
  const pixels = new Uint8ClampedArray(width * scale * height * scale * 4);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const value = modules[Math.floor(y / scale)]?.[Math.floor(x / scale)] ? 0 : 255;
      pixels.set([value, value, value, 255], (y * width * scale + x) * 4);
    }
  }
  return { text: jsQR(pixels, width * scale, height * scale)?.data, quietZone };
}
