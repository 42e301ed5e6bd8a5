/**
 * `chatspark-webhooks validate`: checks files of events (JSON: one event or an array; NDJSON:
 * one event per line, streamed in constant memory) and standard input (NDJSON). Inputs are read
 * as bytes and decoded by the package's one body decoder, so a line gets the verdict
 * `parseWebhookEvent` gives the same bytes.
 */
import { constants } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { decodeBody, eventNameOf, parsedBody } from '../body.js';
import { formatIssue, messageOf } from '../errors.js';
import { issue, type ValidationIssue } from '../issues.js';
import { parseWebhookEvent, validateWebhookEvent, type ValidationResult } from '../validate.js';
import { integerOption, parse, UsageError, type Command, type CommandIO } from './args.js';
import { LineSplitter, type Line } from './lines.js';
import { Progress, xml } from './format.js';
import { write } from './output.js';

/** Where an event was found: a file (or `-`), and its line (NDJSON) or index (JSON array). */
export interface Location {
  file: string;
  line?: number;
  index?: number;
}

interface Failure {
  location: Location;
  event: string | null;
  issues: ValidationIssue[];
}

interface Tally {
  total: number;
  valid: number;
  invalid: number;
  failures: Failure[];
  omittedFailures: number;
  readErrors: { file: string; message: string }[];
}

type Format = 'text' | 'json' | 'junit';

/** The default --max-line-bytes: 16 MiB, far above any real event, far below a string's limit. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

interface CheckOptions {
  strict: boolean;
  maxLineBytes: number;
}

/** Counts one checked event; returns a promise when output must drain before going on. */
type Recorder = (location: Location, result: ValidationResult, name: () => string | null) => Promise<void> | undefined;

const HELP = `Usage: chatspark-webhooks validate [options] <file|->...

Checks ChatSpark webhook events against the contract.

Inputs:
  *.json      one event, or an array of events
  any other   NDJSON: one event per line (blank lines are skipped), streamed
  -           standard input, as NDJSON; or one JSON document (an event or an array)
              when its first line opens one without closing it (pretty-printed JSON)

Inputs are read as bytes and must be UTF-8 (a leading byte-order mark is ignored): bytes that
are not are an invalid event, as parseWebhookEvent and listen answer them. NDJSON lines end at
\\n (or \\r\\n); a lone \\r is not a line break.

Options:
  --strict              reject properties the contract does not define
  --format <f>          text (default), json or junit
  --max-failures <n>    failures kept for json/junit output (default 1000; text prints all)
  --max-line-bytes <n>  longest NDJSON line read, in bytes (default 16777216, 16 MiB; at most
                        ${constants.MAX_STRING_LENGTH}, the longest string JavaScript holds); a longer line is one
                        invalid event [maxLineBytes], skipped without being held in memory
  -h, --help            show this help

Exit status: 0 all events valid, 1 some event invalid or no events at all, 2 usage or read
error (141 when standard output is closed early, as by \`| head\`).

Examples:
  chatspark-webhooks validate captured.ndjson
  chatspark-webhooks examples --ndjson | chatspark-webhooks validate --strict -
  chatspark-webhooks validate --format junit events/*.json > junit.xml`;

function describeLocation({ file, line, index }: Location): string {
  return line !== undefined ? `${file}:${line}` : index !== undefined ? `${file}[${index}]` : file;
}

/**
 * A line of nothing but JSON whitespace (space, tab, CR), after an optional byte-order mark, which
 * decodeBody drops as for every body. A line that starts with anything else (`{`, most lines) is
 * not decoded here, so the valid path stays lean.
 */
function isBlank(bytes: Uint8Array): boolean {
  const first = bytes[0];
  if (first !== undefined && first !== 0x20 && first !== 0x09 && first !== 0x0d && first !== 0xef) return false;
  const decoded = decodeBody(bytes);
  return decoded.ok && /^[ \t\r]*$/.test(decoded.text);
}

/** The verdict on a line over --max-line-bytes: one issue naming the limit, the size and the place. */
function lineTooLong(location: Location, size: number, limit: number): ValidationResult {
  const expected = `a line of at most ${limit} bytes`;
  const received = `a line of ${size} bytes`;
  const message = `Expected ${expected} (--max-line-bytes), received ${received} at ${describeLocation(location)}; the line was skipped.`;
  return { valid: false, errors: [issue('', 'maxLineBytes', expected, received, message)] };
}

function noEventsMessage(inputs: number): string {
  return `no events: ${inputs === 1 ? 'the input holds' : `the ${inputs} inputs hold`} no events to validate`;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check files or standard input (JSON or NDJSON) against the contract',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      strict: { type: 'boolean' },
      format: { type: 'string' },
      'max-failures': { type: 'string' },
      'max-line-bytes': { type: 'string' },
    });
    if (values.help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    const format = (values.format ?? 'text') as Format;
    if (!['text', 'json', 'junit'].includes(format))
      throw new UsageError(`--format must be text, json or junit, got "${values.format}".`);
    const maxFailures = integerOption('max-failures', values['max-failures'], 1000, 0);
    if (positionals.length === 0) throw new UsageError('Name at least one file, or - for standard input.');
    const options: CheckOptions = {
      strict: values.strict === true,
      // A line longer than a string can be could never be decoded, so the limit stops there.
      maxLineBytes: integerOption(
        'max-line-bytes',
        values['max-line-bytes'],
        DEFAULT_MAX_LINE_BYTES,
        1,
        constants.MAX_STRING_LENGTH,
      ),
    };
    const strict = options.strict;

    const tally: Tally = { total: 0, valid: 0, invalid: 0, failures: [], omittedFailures: 0, readErrors: [] };
    const progress = new Progress(io.stderr, 'validated');
    const record: Recorder = (location, result, name) => {
      tally.total++;
      if ((tally.total & 1023) === 0) progress.tick(tally.total);
      if (result.valid) {
        tally.valid++;
        return undefined;
      }
      tally.invalid++;
      const failure: Failure = { location, event: name(), issues: result.errors };
      // Respect backpressure so a million failures piped to a slow reader do not pile up in memory.
      if (format === 'text') return printFailure(io, failure);
      if (tally.failures.length < maxFailures) tally.failures.push(failure);
      else tally.omittedFailures++;
      return undefined;
    };

    for (const file of positionals) {
      try {
        if (file !== '-' && file.toLowerCase().endsWith('.json')) await checkJsonFile(file, options, record);
        else if (file === '-') await checkStdin(io.stdin, options, record);
        else
          await checkNdjson(
            file,
            file === '-' ? io.stdin : createReadStream(file, { highWaterMark: 65536 }),
            options,
            record,
          );
      } catch (error) {
        const message = messageOf(error);
        tally.readErrors.push({ file, message });
        io.stderr.write(`chatspark-webhooks validate: cannot read ${file}: ${message}\n`);
      }
    }

    progress.done();
    // An empty input is more often a mistake (a wrong path, an empty capture) than a pass.
    const noEvents = tally.total === 0 ? noEventsMessage(positionals.length) : null;
    if (format === 'json')
      io.stdout.write(`${JSON.stringify(jsonReport(tally, positionals.length, strict, noEvents), null, 2)}\n`);
    else if (format === 'junit') io.stdout.write(junitReport(tally, strict, noEvents));
    else io.stdout.write(`${noEvents ? `✗ ${noEvents}\n` : ''}${summaryLine(tally, positionals.length, strict)}\n`);
    if (tally.readErrors.length > 0) return 2;
    return tally.invalid > 0 || noEvents ? 1 : 0;
  },
};

async function checkJsonFile(file: string, options: CheckOptions, record: Recorder): Promise<void> {
  await checkJsonBytes(file, await readFile(file), options, record);
}

/**
 * Standard input: NDJSON, unless its first line is the start of a JSON document spread over
 * several lines (`examples lead.captured | validate -`, a pretty-printed event): then the whole
 * input (at most --max-line-bytes) is one JSON document, checked as a .json file is.
 */
async function checkStdin(stream: NodeJS.ReadableStream, options: CheckOptions, record: Recorder): Promise<void> {
  const iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (!head.some((chunk) => chunk.includes(0x0a))) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    head.push(chunk);
    size += chunk.length;
    if (size > options.maxLineBytes) break;
  }
  const start = Buffer.concat(head);
  const firstLine = start.subarray(0, start.includes(0x0a) ? start.indexOf(0x0a) : start.length);
  const rest = async function* (): AsyncGenerator<Buffer | string> {
    yield start;
    if (ended) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };
  // No line break in the first --max-line-bytes: an over-long NDJSON line, which the splitter reports.
  const document = start.includes(0x0a) && startsDocument(firstLine);
  if (!document) return checkNdjson('-', Readable.from(rest()), options, record);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of rest()) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += bytes.length;
    if (total <= options.maxLineBytes) chunks.push(bytes);
  }
  if (total > options.maxLineBytes)
    return void (await record({ file: '-' }, lineTooLong({ file: '-' }, total, options.maxLineBytes), () => null));
  await checkJsonBytes('-', Buffer.concat(chunks), options, record);
}

/** A first line that opens a JSON object or array without being a whole JSON value itself. */
function startsDocument(line: Buffer): boolean {
  const text = line.toString('utf8').trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return false;
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

async function checkJsonBytes(
  file: string,
  bytes: Uint8Array,
  { strict }: CheckOptions,
  record: Recorder,
): Promise<void> {
  const decoded = decodeBody(bytes);
  if (!decoded.ok) {
    await record({ file }, { valid: false, errors: [decoded.issue] }, () => null);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(decoded.text);
  } catch {
    // Not JSON at all: one invalid entry, worded by parseWebhookEvent.
    await record({ file }, parseWebhookEvent(decoded.text, { strict }), () => null);
    return;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      await record({ file, index }, validateWebhookEvent(item, { strict }), () => eventNameOf(item));
    }
  } else {
    await record({ file }, validateWebhookEvent(value, { strict }), () => eventNameOf(value));
  }
}

async function checkNdjson(
  file: string,
  stream: NodeJS.ReadableStream,
  { strict, maxLineBytes }: CheckOptions,
  record: Recorder,
): Promise<void> {
  // The splitter holds at most one line (bounded by maxLineBytes), so memory stays flat however
  // long the file or any line in it is. A line's bytes go to parseWebhookEvent undecoded.
  const splitter = new LineSplitter(maxLineBytes);
  const check = (line: Line) => {
    const location = { file, line: line.number };
    if (line.bytes === null) return record(location, lineTooLong(location, line.size, maxLineBytes), () => null);
    const bytes = line.bytes;
    if (isBlank(bytes)) return undefined;
    return record(location, parseWebhookEvent(bytes, { strict }), () => eventNameOf(parsedBody(bytes)));
  };
  for await (const chunk of stream) {
    for (const line of splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
      const wait = check(line);
      if (wait) await wait;
    }
  }
  const last = splitter.end();
  if (last) await check(last);
}

function printFailure(io: CommandIO, { location, event, issues }: Failure): Promise<void> | undefined {
  let out = `✗ ${describeLocation(location)}${event ? ` (${event})` : ''}\n`;
  for (const found of issues) out += `    ${formatIssue(found)}\n`;
  return write(io.stdout, out);
}

function summaryLine(tally: Tally, inputs: number, strict: boolean): string {
  const mode = strict ? 'strict' : 'default';
  const errors =
    tally.readErrors.length > 0
      ? `; ${tally.readErrors.length} input${tally.readErrors.length === 1 ? '' : 's'} could not be read`
      : '';
  return `${tally.total} event${tally.total === 1 ? '' : 's'} in ${inputs} input${inputs === 1 ? '' : 's'} (${mode} mode): ${tally.valid} valid, ${tally.invalid} invalid${errors}`;
}

function jsonReport(tally: Tally, inputs: number, strict: boolean, noEvents: string | null) {
  return {
    ...(noEvents ? { message: noEvents } : {}),
    summary: {
      total: tally.total,
      valid: tally.valid,
      invalid: tally.invalid,
      inputs,
      mode: strict ? 'strict' : 'default',
      readErrors: tally.readErrors.length,
      omittedFailures: tally.omittedFailures,
      noEvents: noEvents !== null,
    },
    failures: tally.failures.map((f) => ({ location: f.location, event: f.event, issues: f.issues })),
    readErrors: tally.readErrors,
  };
}

function junitReport(tally: Tally, strict: boolean, noEvents: string | null): string {
  const cases = tally.failures
    .map((f) => {
      const name = `${describeLocation(f.location)}${f.event ? ` ${f.event}` : ''}`;
      const details = f.issues.map(formatIssue).join('\n');
      return `    <testcase classname="chatspark-webhooks.validate" name="${xml(name)}">\n      <failure message="${xml(f.issues[0]?.message ?? 'invalid')}" type="${xml(f.issues[0]?.keyword ?? 'invalid')}">${xml(details)}</failure>\n    </testcase>\n`;
    })
    .join('');
  const readErrors = tally.readErrors
    .map(
      (e) =>
        `    <testcase classname="chatspark-webhooks.validate" name="${xml(e.file)}">\n      <error message="${xml(e.message)}"/>\n    </testcase>\n`,
    )
    .join('');
  const validCase = `    <testcase classname="chatspark-webhooks.validate" name="${tally.valid} valid event${tally.valid === 1 ? '' : 's'}"/>\n`;
  const omitted =
    tally.omittedFailures > 0
      ? `    <testcase classname="chatspark-webhooks.validate" name="${tally.omittedFailures} more invalid events (not listed)">\n      <failure message="${tally.omittedFailures} more invalid events" type="omitted"/>\n    </testcase>\n`
      : '';
  const empty = noEvents
    ? `    <testcase classname="chatspark-webhooks.validate" name="no events">\n      <failure message="${xml(noEvents)}" type="noEvents"/>\n    </testcase>\n`
    : '';
  const tests = tally.failures.length + tally.readErrors.length + 1 + (omitted ? 1 : 0) + (empty ? 1 : 0);
  const failures = tally.failures.length + (omitted ? 1 : 0) + (empty ? 1 : 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${tests}" failures="${failures}" errors="${tally.readErrors.length}">\n  <testsuite name="chatspark-webhooks validate (${strict ? 'strict' : 'default'} mode)" tests="${tests}" failures="${failures}" errors="${tally.readErrors.length}">\n${validCase}${empty}${cases}${omitted}${readErrors}  </testsuite>\n</testsuites>\n`;
}
