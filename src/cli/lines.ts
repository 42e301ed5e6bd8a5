/**
 * Splits NDJSON into lines as bytes, so that each line is decoded by the package's one body
 * decoder (src/body.ts) and the same bytes get the same verdict as in `parseWebhookEvent`.
 *
 * A line ends at \n only; the \r of a \r\n ending is dropped, a bare \r is data (JSON allows it
 * as whitespace between tokens). A line longer than the limit is never held whole: the splitter
 * keeps at most `maxLineBytes + 1` bytes and discards the rest up to the next \n.
 */

const LF = 0x0a;
const CR = 0x0d;

/** A line's bytes (valid until the next `push`), or, for a line over the limit, its size. */
export type Line = { number: number; bytes: Buffer } | { number: number; bytes: null; size: number };

export class LineSplitter {
  /** Pieces of the current, unfinished line (several when it spans chunks). */
  #parts: Buffer[] = [];
  #held = 0;
  /** Bytes of the current line discarded so far, or -1 while the line still fits. */
  #skipped = -1;
  /** The last byte discarded: a \r there may end the line once the \n comes in the next chunk. */
  #lastSkipped = -1;
  #number = 0;

  constructor(readonly maxLineBytes: number) {}

  /** Bytes held for the unfinished line: at most `maxLineBytes + 1`. */
  get buffered(): number {
    return this.#held;
  }

  /** The lines that `chunk` completes, in order. */
  *push(chunk: Buffer): Generator<Line> {
    let start = 0;
    let end: number;
    while ((end = chunk.indexOf(LF, start)) !== -1) {
      yield this.#finish(chunk.subarray(start, end));
      start = end + 1;
    }
    if (start < chunk.length) this.#keep(chunk.subarray(start));
  }

  /** The last line, when the input did not end with \n (a \r there is data). */
  end(): Line | undefined {
    let line: Line | undefined;
    if (this.#skipped !== -1) line = this.#next(null, this.#skipped);
    else if (this.#held > 0)
      line = this.#fitting(this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts));
    this.#reset();
    return line;
  }

  #keep(piece: Buffer): void {
    if (this.#skipped === -1 && this.#held + piece.length > this.maxLineBytes + 1) {
      // One byte over the limit may be the \r of a \r\n ending; more cannot fit: stop holding.
      this.#skipped = this.#held;
      this.#parts = [];
      this.#held = 0;
    }
    if (this.#skipped !== -1) {
      this.#skipped += piece.length;
      this.#lastSkipped = piece[piece.length - 1]!;
      return;
    }
    // A copy: a small tail must not pin its whole chunk, nor change if the reader reuses it.
    this.#parts.push(Buffer.from(piece));
    this.#held += piece.length;
  }

  /** Ends the current line with `tail`, the bytes of the chunk before its \n. */
  #finish(tail: Buffer): Line {
    if (this.#held === 0 && this.#skipped === -1) {
      // The common case, kept lean: the whole line is in this chunk.
      return this.#fitting(tail.length > 0 && tail[tail.length - 1] === CR ? tail.subarray(0, -1) : tail);
    }
    const last = tail.length > 0 ? tail[tail.length - 1] : this.#skipped !== -1 ? this.#lastSkipped : this.#lastHeld();
    const size = (this.#skipped !== -1 ? this.#skipped : this.#held) + tail.length - (last === CR ? 1 : 0);
    const line =
      this.#skipped !== -1 || size > this.maxLineBytes
        ? this.#next(null, size)
        : this.#next(Buffer.concat([...this.#parts, tail]).subarray(0, size), size);
    this.#reset();
    return line;
  }

  #fitting(bytes: Buffer): Line {
    return bytes.length > this.maxLineBytes ? this.#next(null, bytes.length) : this.#next(bytes, bytes.length);
  }

  #next(bytes: Buffer | null, size: number): Line {
    this.#number++;
    return bytes === null ? { number: this.#number, bytes: null, size } : { number: this.#number, bytes };
  }

  #lastHeld(): number {
    const piece = this.#parts[this.#parts.length - 1];
    return piece === undefined ? -1 : piece[piece.length - 1]!;
  }

  #reset(): void {
    this.#parts = [];
    this.#held = 0;
    this.#skipped = -1;
  }
}
