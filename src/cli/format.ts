/**
 * Output formats shared by the commands: `--format text|json|junit`, JUnit XML, colour on a
 * terminal, and "did you mean" for a mistyped name.
 */
import { UsageError } from './args.js';

export type Format = 'text' | 'json' | 'junit';

/** The `--format` option, checked. */
export function formatOption(value: string | undefined): Format {
  const format = value ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'junit')
    throw new UsageError(`--format must be text, json or junit, got "${value}".`);
  return format;
}

/** Text safe inside XML 1.0 attributes and elements; drops the characters XML cannot hold, such as NUL. */
export function xml(text: string): string {
  return (
    text
      .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
      // eslint-disable-next-line no-control-regex -- matching the control characters XML 1.0 forbids is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
  );
}

/** One JUnit test case: passed, failed (with a message and details) or in error. */
export interface TestCase {
  name: string;
  /** Seconds, as JUnit counts them. */
  time?: number;
  failure?: { message: string; type: string; details?: string };
}

/** A JUnit XML document of one suite. */
export function junitDocument(suite: string, classname: string, cases: TestCase[]): string {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const body = cases
    .map((c) => {
      const time = c.time === undefined ? '' : ` time="${c.time.toFixed(3)}"`;
      const head = `    <testcase classname="${xml(classname)}" name="${xml(c.name)}"${time}`;
      if (c.failure === undefined) return `${head}/>\n`;
      const { message, type, details } = c.failure;
      return `${head}>\n      <failure message="${xml(message)}" type="${xml(type)}">${xml(details ?? '')}</failure>\n    </testcase>\n`;
    })
    .join('');
  const counts = `tests="${cases.length}" failures="${failures}" errors="0"`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ${counts}>\n  <testsuite name="${xml(suite)}" ${counts}>\n${body}  </testsuite>\n</testsuites>\n`;
}

/**
 * Whether to colour what goes to `stream`: FORCE_COLOR (not "0") forces it, NO_COLOR (any value)
 * turns it off, otherwise only a terminal gets colour (never a pipe or a file).
 */
export function colourFor(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (force === '0' || force === 'false') return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return (stream as { isTTY?: boolean }).isTTY === true;
}

const CODES = { green: 32, red: 31, yellow: 33, dim: 2 } as const;

/** Paints text for a terminal, or leaves it plain. */
export class Painter {
  readonly enabled: boolean;

  constructor(stream: NodeJS.WritableStream) {
    this.enabled = colourFor(stream);
  }

  paint(colour: keyof typeof CODES, text: string): string {
    return this.enabled ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
  }

  /** ✓ in green, ✗ in red. */
  mark(ok: boolean): string {
    return ok ? this.paint('green', '✓') : this.paint('red', '✗');
  }
}

/** Levenshtein distance, for suggestions. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** The known names nearest to `name` (at most `limit`), closest first; none when nothing is close. */
export function nearest(name: string, known: readonly string[], limit = 1): string[] {
  const scored = known.map((k) => ({ k, d: distance(name.toLowerCase(), k.toLowerCase()) }));
  const bound = Math.max(2, Math.ceil(name.length / 3));
  return scored
    .filter(({ d }) => d <= bound)
    .sort((x, y) => x.d - y.d || x.k.localeCompare(y.k))
    .slice(0, limit)
    .map(({ k }) => k);
}

/** ` Did you mean "x"?` when a known name is close, else ''. */
export function didYouMean(name: string, known: readonly string[]): string {
  const [best] = nearest(name, known);
  return best === undefined ? '' : ` Did you mean "${best}"?`;
}

/**
 * A progress line on stderr for runs longer than a second, only when stderr is a terminal (never
 * in a pipe, a file or CI logs): redrawn in place at most ten times a second, erased at the end.
 */
export class Progress {
  readonly #stream: NodeJS.WritableStream;
  readonly #label: string;
  readonly #enabled: boolean;
  readonly #start = Date.now();
  #last = 0;
  #shown = false;

  constructor(stream: NodeJS.WritableStream, label: string) {
    this.#stream = stream;
    this.#label = label;
    this.#enabled = (stream as { isTTY?: boolean }).isTTY === true;
  }

  /** Reports `count` done so far. */
  tick(count: number): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (now - this.#start < 1000 || now - this.#last < 100) return;
    this.#last = now;
    this.#shown = true;
    this.#stream.write(`\r\u001b[K${this.#label} ${count}…`);
  }

  /** Erases the line, if one was drawn. */
  done(): void {
    if (this.#shown) this.#stream.write('\r\u001b[K');
    this.#shown = false;
  }
}
