/**
 * The NDJSON report of `listen`: one record per line, each written whole or not at all, every
 * failure counted, and nothing here ever throws into the server.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { messageOf } from '../errors.js';

export interface ReportWriterOptions {
  /** fsync each batch before its records count as written (regular files only). */
  fsync: boolean;
  /** Told, in one line, about every failure (records lost, a failed fsync or close). */
  onError?: (message: string) => void;
}

/** A batch is written early when it grows this long, well under V8's longest string (~2^29). */
const MAX_BATCH_CHARS = 16 * 1024 * 1024;

/** A batch waiting for the end of the event loop's turn. */
interface Batch {
  text: string;
  settle: ((written: boolean) => void)[];
}

/** What a write loop managed before it stopped. */
interface Progress {
  written: number;
  error?: unknown;
}

export class ReportWriter {
  #fd: number | undefined;
  /** A regular file can be fsynced and truncated; a pipe, tty or device can be neither. */
  readonly #regular: boolean;
  readonly #fsync: boolean;
  readonly #onError: ((message: string) => void) | undefined;
  #queue: Batch = { text: '', settle: [] };
  #scheduled: NodeJS.Immediate | undefined;
  /** Part of a failed batch may be left in the target: start the next batch on a new line. */
  #torn = false;
  #lost = 0;
  #firstError: string | undefined;
  #closed: Promise<number> | undefined;

  private constructor(fd: number, regular: boolean, options: ReportWriterOptions) {
    this.#fd = fd;
    this.#regular = regular;
    this.#fsync = options.fsync;
    this.#onError = options.onError;
  }

  /** Opens (append, create) the report; throws an Error with a one-line message on failure. */
  static open(path: string, options: ReportWriterOptions): ReportWriter {
    let fd: number;
    try {
      // Note: a FIFO without a reader blocks here until one opens it (open(2) semantics).
      fd = openSync(path, 'a');
    } catch (error) {
      throw new Error(oneLine(`cannot open report ${path}: ${messageOf(error)}`), { cause: error });
    }
    try {
      const stat = fstatSync(fd);
      const writer = new ReportWriter(fd, stat.isFile(), options);
      // A run killed mid-write (SIGKILL can cut a write short) may have left a partial last line:
      // it stays, as the one unreadable line it is, and the first new record starts on a line of its own.
      if (stat.isFile() && stat.size > 0 && !endsWithNewline(path, stat.size)) writer.#torn = true;
      return writer;
    } catch (error) {
      closeQuietly(fd);
      throw new Error(oneLine(`cannot inspect report ${path}: ${messageOf(error)}`), { cause: error });
    }
  }

  /** Records that could not be written, so far. */
  get lost(): number {
    return this.#lost;
  }

  /** The first error's message (e.g. "ENOSPC: no space left on device, write"), or undefined. */
  get firstError(): string | undefined {
    return this.#firstError;
  }

  /**
   * Queues one record as one line. Resolves true once it is in the file (fsynced if asked and
   * possible), false if it is not in the file at all. Never rejects.
   */
  write(record: unknown): Promise<boolean> {
    if (this.#closed !== undefined) return Promise.resolve(this.#reject(1, 'the report is closed'));
    const line = serialise(record);
    if (typeof line !== 'string') return Promise.resolve(this.#reject(1, line.message));
    if (this.#queue.text.length + line.length > MAX_BATCH_CHARS) this.#flush();
    return new Promise((resolve) => {
      this.#queue.text += line;
      this.#queue.settle.push(resolve);
      // One write (and fsync) per event-loop turn covers every record queued in it.
      this.#scheduled ??= setImmediate(() => this.#flush());
    });
  }

  /** Flushes, fsyncs a regular file, closes. Never throws; resolves to the number lost. */
  close(): Promise<number> {
    this.#closed ??= Promise.resolve(this.#shutDown());
    return this.#closed;
  }

  #shutDown(): number {
    this.#flush();
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd === undefined) return this.#lost;
    // fsync on a pipe, tty or /dev/null fails with EINVAL: only a regular file has disk blocks.
    if (this.#regular) this.#attempt('cannot fsync the report', () => fsyncSync(fd));
    this.#attempt('cannot close the report', () => closeSync(fd));
    return this.#lost;
  }

  #flush(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const batch = this.#queue;
    this.#queue = { text: '', settle: [] };
    if (batch.settle.length === 0) return;
    const written = this.#commit(batch);
    for (const settle of batch.settle) settle(written);
  }

  /** Writes one batch whole, or leaves the file as it was before it; false when the batch is lost. */
  #commit(batch: Batch): boolean {
    const fd = this.#fd;
    if (fd === undefined) return this.#reject(batch.settle.length, 'the report is closed');
    const data = Buffer.from(this.#torn ? `\n${batch.text}` : batch.text);
    let start: number;
    try {
      // Where to cut back to if the batch fails. Opened with 'a', so the batch lands at the end;
      // another process appending between this fstat and a rollback would lose its bytes too
      // (an accepted limitation: the report is meant to have one writer).
      start = this.#regular ? fstatSync(fd).size : 0;
    } catch (error) {
      return this.#reject(batch.settle.length, messageOf(error));
    }
    const progress = writeAll(fd, data);
    const error = progress.error ?? (progress.written === data.length ? this.#sync(fd) : undefined);
    if (error === undefined) {
      this.#torn = false;
      return true;
    }
    const undone = progress.written > 0 ? this.#rollBack(fd, start, progress.written) : '';
    return this.#reject(batch.settle.length, messageOf(error), undone);
  }

  /** fsyncs a regular file when asked; returns the error, if any. */
  #sync(fd: number): unknown {
    if (!this.#fsync || !this.#regular) return undefined;
    try {
      fsyncSync(fd);
      return undefined;
    } catch (error) {
      return error;
    }
  }

  /** Cuts a regular file back to `start`; returns a note for the error message. */
  #rollBack(fd: number, start: number, written: number): string {
    if (!this.#regular) {
      // A pipe, FIFO, tty or device cannot be truncated: the bytes already went to the reader.
      // The next batch starts on a new line so that only this torn line is unreadable.
      this.#torn = true;
      return ` (${written} bytes of a partial batch already reached the reader)`;
    }
    try {
      ftruncateSync(fd, start);
      return ` (${written} bytes of a partial batch removed)`;
    } catch (error) {
      // A second fault: whole records of this batch may stay in the file although they resolved
      // false (a retried delivery then appears twice), and a torn line may follow them.
      this.#torn = true;
      return ` (${written} bytes of a partial batch left in the file: ${messageOf(error)})`;
    }
  }

  /** Counts `count` records lost and says so; returns false for the callers' promises. */
  #reject(count: number, reason: string, note = ''): false {
    this.#lost += count;
    this.#report(`cannot write ${count} record${count === 1 ? '' : 's'} to the report: ${reason}${note}`, reason);
    return false;
  }

  /** Runs a step whose failure is reported, never thrown. */
  #attempt(what: string, step: () => void): void {
    try {
      step();
    } catch (error) {
      this.#report(`${what}: ${messageOf(error)}`, messageOf(error));
    }
  }

  #report(message: string, reason: string): void {
    this.#firstError ??= oneLine(reason);
    try {
      this.#onError?.(oneLine(message));
    } catch {
      // A failing listener must not turn a counted failure into a crash.
    }
  }
}

/**
 * Writes all of `data`, looping over short writes. libuv already retries after a short write, but
 * when the retry fails (EFBIG at a file-size limit, ENOSPC) it returns the bytes written so far and
 * drops the error: only writing the rest again brings the error out.
 */
function writeAll(fd: number, data: Uint8Array): Progress {
  let written = 0;
  try {
    while (written < data.length) {
      const n = writeSync(fd, data, written, data.length - written);
      // write(2) returns 0 only for a zero-length request; guard against spinning anyway.
      if (n <= 0) throw new Error(`write made no progress after ${written} of ${data.length} bytes`);
      written += n;
    }
    return { written };
  } catch (error) {
    return { written, error };
  }
}

/**
 * One record as one line. JSON.stringify without indentation escapes every control character
 * inside strings (so no raw \n or \r), and lone surrogates too (ES2019), so the line is valid UTF-8.
 */
function serialise(record: unknown): string | Error {
  try {
    const text: unknown = JSON.stringify(record);
    if (typeof text !== 'string') return new Error(`a record that is not JSON (${typeof record})`);
    return `${text}\n`;
  } catch (error) {
    return new Error(`a record that is not JSON (${messageOf(error)})`);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already failing with a better message.
  }
}

function oneLine(text: string): string {
  return text.replace(/\r?\n|\r/g, ' ');
}

/** Whether the file's last byte (at `size` - 1) is a newline. */
function endsWithNewline(path: string, size: number): boolean {
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}
