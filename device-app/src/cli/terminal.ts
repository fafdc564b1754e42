/**
 * What `pairgate login` prints, on the stream it is given (stderr: stdout is kept for
 * `--print-token`). On a terminal, one status line is rewritten in place (the countdown); when
 * not a terminal (a log, a pipe, CI), only plain, whole lines, each printed once.
 */
import QRCode from 'qrcode';

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

  /** The QR code of `text`: half-block characters with colours on a terminal, plain UTF-8 blocks elsewhere. */
  async qr(text: string): Promise<void> {
    const art = await QRCode.toString(text, this.tty ? { type: 'terminal', small: true } : { type: 'utf8' });
    this.line(art.replace(/\n+$/, ''));
  }
}

/** `9:05` — minutes and seconds left. */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
