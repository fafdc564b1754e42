/**
 * What `pairgate login` prints, on the stream it is given (stderr: stdout is kept for
 * `--print-token`). On a terminal, one status line is rewritten in place (the countdown); when
 * not a terminal (a log, a pipe, CI), only plain, whole lines, each printed once.
 */
import { qrMatrix } from '../core/qr-matrix';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** ANSI: carriage return, then erase the whole line. */
const CLEAR_LINE = '\r\x1b[2K';

export class Terminal {
  readonly tty: boolean;
  readonly #out: OutputStream;
  #status = '';

  constructor(out: OutputStream) {
    this.#out = out;
    this.tty = out.isTTY === true;
  }

  /** A line of its own (clears the status line first, and redraws it after). */
  line(text = ''): void {
    if (this.tty && this.#status) this.#out.write(CLEAR_LINE);
    this.#out.write(`${text}\n`);
    if (this.tty && this.#status) this.#out.write(this.#status);
  }

  /** The status line: rewritten in place on a terminal; elsewhere printed only when it changes. */
  status(text: string, plain: string = text): void {
    if (this.tty) {
      this.#status = text;
      this.#out.write(`${CLEAR_LINE}${text}`);
    } else if (plain !== this.#status) {
      this.#status = plain;
      this.#out.write(`${plain}\n`);
    }
  }

  /** Ends the status line, so later output starts on a fresh line. */
  endStatus(): void {
    if (this.tty && this.#status) this.#out.write(CLEAR_LINE);
    this.#status = '';
  }

  /** The QR code of `text` (see `qrLines`): on a terminal in explicit white on black, so any colour scheme shows it the right way round. */
  qr(text: string): void {
    for (const row of qrLines(text)) this.line(this.tty ? `${WHITE_ON_BLACK}${row}${RESET}` : row);
  }
}

/** ANSI SGR: bright white on black, and back to the terminal's own colours. */
const WHITE_ON_BLACK = '\x1b[97;40m';
const RESET = '\x1b[0m';
/** Two modules per character cell, top and bottom; the glyph draws the light ones. */
const HALF_BLOCKS = { lightLight: '█', lightDark: '▀', darkLight: '▄', darkDark: ' ' } as const;

/**
 * A QR code as text: each character is two modules stacked (half blocks), light modules drawn
 * and dark ones left as background — dark-on-light once the background is dark, as on most
 * terminals and log viewers — with the 4-module quiet zone all round (ISO/IEC 18004).
 */
export function qrLines(text: string): string[] {
  const { size, dark } = qrMatrix(text);
  const lines: string[] = [];
  for (let y = 0; y < size; y += 2) {
    let line = '';
    for (let x = 0; x < size; x++) {
      // An odd last row pairs with one more row of quiet zone below.
      const top = dark(x, y);
      const bottom = dark(x, y + 1);
      line += top ? (bottom ? HALF_BLOCKS.darkDark : HALF_BLOCKS.darkLight) : bottom ? HALF_BLOCKS.lightDark : HALF_BLOCKS.lightLight;
    }
    lines.push(line);
  }
  return lines;
}

/** `9:05` — minutes and seconds left. */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
