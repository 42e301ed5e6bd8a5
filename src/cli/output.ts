/**
 * Writing output safely: backpressure that cannot hang on a closed stream, a quiet end when the
 * reader goes away (`… | head -1`), and one line instead of a stack trace for unexpected errors.
 */

/** Exit status when standard output was closed by its reader: 128 + SIGPIPE, as a shell reports a tool killed by it. */
export const CLOSED_OUTPUT_EXIT = 141;

/** Set to print the stack trace of an unexpected error. */
export const DEBUG_VARIABLE = 'CHATSPARK_DEBUG';

/**
 * Writes `text`; returns a promise when the stream asks the writer to wait. The promise also
 * settles when the stream fails or closes, so a writer never waits forever on a dead stream.
 */
export function write(stream: NodeJS.WritableStream, text: string): Promise<void> | undefined {
  if (stream.write(text)) return undefined;
  return new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
    stream.on('close', done);
  });
}

/** True for the errors of writing to a pipe whose reader has gone. */
export function isClosedOutput(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

function debugging(): boolean {
  const value = process.env[DEBUG_VARIABLE];
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** One line naming an unexpected error; its stack follows only when CHATSPARK_DEBUG is set. */
export function describeUnexpected(prefix: string, error: unknown): string {
  const message = error instanceof Error ? error.message || error.name : String(error);
  if (!debugging()) return `${prefix}: unexpected error: ${message} (set ${DEBUG_VARIABLE}=1 for details)\n`;
  const stack = error instanceof Error && error.stack ? `${error.stack}\n` : '';
  return `${prefix}: unexpected error: ${message}\n${stack}`;
}

/**
 * Makes the process end cleanly on output failures and uncaught errors: standard output closed by
 * its reader exits quietly with {@link CLOSED_OUTPUT_EXIT}; an output that cannot be written (a
 * full disk) or any other uncaught error is one line on stderr and exit 2.
 */
export function guardProcess(prefix: () => string): void {
  const exit = (code: number) => process.exit(code);
  process.stdout.on('error', (error: Error) => {
    if (isClosedOutput(error)) return exit(CLOSED_OUTPUT_EXIT);
    process.stderr.write(`${prefix()}: cannot write output: ${error.message}\n`);
    exit(2);
  });
  // Nowhere left to report a failing stderr: carry on without it.
  process.stderr.on('error', () => undefined);
  const unexpected = (error: unknown) => {
    process.stderr.write(describeUnexpected(prefix(), error));
    exit(2);
  };
  process.on('uncaughtException', unexpected);
  process.on('unhandledRejection', unexpected);
}
