/**
 * `chatspark-webhooks validate`: checks files of events (JSON: one event or an array; NDJSON:
 * one event per line, streamed in constant memory) and standard input (NDJSON).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ValidationIssue } from '../issues.js';
import { parseWebhookEvent, validateWebhookEvent, type ValidationResult } from '../validate.js';
import { integerOption, parse, UsageError, type Command, type CommandIO } from './args.js';
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

/** Counts one checked event; returns a promise when output must drain before going on. */
type Recorder = (location: Location, result: ValidationResult, name: () => string | null) => Promise<void> | undefined;

const HELP = `Usage: chatspark-webhooks validate [options] <file|->...

Checks ChatSpark webhook events against the contract.

Inputs:
  *.json      one event, or an array of events
  any other   NDJSON: one event per line (blank lines are skipped), streamed
  -           standard input, as NDJSON

Options:
  --strict              reject properties the contract does not define
  --format <f>          text (default), json or junit
  --max-failures <n>    failures kept for json/junit output (default 1000; text prints all)
  -h, --help            show this help

Exit status: 0 all events valid, 1 some event invalid, 2 usage or read error (141 when standard
output is closed early, as by \`| head\`).

Examples:
  chatspark-webhooks validate captured.ndjson
  chatspark-webhooks examples --ndjson | chatspark-webhooks validate --strict -
  chatspark-webhooks validate --format junit events/*.json > junit.xml`;

function describeLocation({ file, line, index }: Location): string {
  return line !== undefined ? `${file}:${line}` : index !== undefined ? `${file}[${index}]` : file;
}

function eventName(value: unknown): string | null {
  return value !== null && typeof value === 'object' && typeof (value as { event?: unknown }).event === 'string'
    ? (value as { event: string }).event
    : null;
}

/** Parses JSON for the event name only when the line is invalid (the valid path stays lean). */
function nameOf(line: string): string | null {
  try {
    return eventName(JSON.parse(line));
  } catch {
    return null;
  }
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
    const strict = values.strict === true;

    const tally: Tally = { total: 0, valid: 0, invalid: 0, failures: [], omittedFailures: 0, readErrors: [] };
    const record: Recorder = (location, result, name) => {
      tally.total++;
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
        if (file !== '-' && file.toLowerCase().endsWith('.json')) await checkJsonFile(file, strict, record);
        else await checkNdjson(file, file === '-' ? io.stdin : createReadStream(file), strict, record);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        tally.readErrors.push({ file, message });
        io.stderr.write(`chatspark-webhooks validate: cannot read ${file}: ${message}\n`);
      }
    }

    if (format === 'json')
      io.stdout.write(`${JSON.stringify(jsonReport(tally, positionals.length, strict), null, 2)}\n`);
    else if (format === 'junit') io.stdout.write(junitReport(tally, strict));
    else io.stdout.write(`${summaryLine(tally, positionals.length, strict)}\n`);
    if (tally.readErrors.length > 0) return 2;
    return tally.invalid > 0 ? 1 : 0;
  },
};

async function checkJsonFile(file: string, strict: boolean, record: Recorder): Promise<void> {
  const text = await readFile(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    // Not JSON at all: one invalid entry, worded by parseWebhookEvent.
    await record({ file }, parseWebhookEvent(text, { strict }), () => null);
    return;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      await record({ file, index }, validateWebhookEvent(item, { strict }), () => eventName(item));
    }
  } else {
    await record({ file }, validateWebhookEvent(value, { strict }), () => eventName(value));
  }
}

async function checkNdjson(
  file: string,
  stream: NodeJS.ReadableStream,
  strict: boolean,
  record: Recorder,
): Promise<void> {
  // readline holds one line at a time, so memory stays flat however long the file is.
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const failed = new Promise<never>((_, reject) => stream.on('error', reject));
  failed.catch(() => undefined);
  let line = 0;
  const consume = async () => {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      const wait = record({ file, line }, parseWebhookEvent(text, { strict }), () => nameOf(text));
      if (wait) await wait;
    }
  };
  await Promise.race([consume(), failed]);
}

function printFailure(io: CommandIO, { location, event, issues }: Failure): Promise<void> | undefined {
  let out = `✗ ${describeLocation(location)}${event ? ` (${event})` : ''}\n`;
  for (const issue of issues)
    out += `    ${issue.path === '' ? '(root)' : issue.path}: ${issue.message} [${issue.keyword}]\n`;
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

function jsonReport(tally: Tally, inputs: number, strict: boolean) {
  return {
    summary: {
      total: tally.total,
      valid: tally.valid,
      invalid: tally.invalid,
      inputs,
      mode: strict ? 'strict' : 'default',
      readErrors: tally.readErrors.length,
      omittedFailures: tally.omittedFailures,
    },
    failures: tally.failures.map((f) => ({ location: f.location, event: f.event, issues: f.issues })),
    readErrors: tally.readErrors,
  };
}

function xml(text: string): string {
  // Also drops characters XML 1.0 cannot hold, such as NUL.
  return text
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

function junitReport(tally: Tally, strict: boolean): string {
  const cases = tally.failures
    .map((f) => {
      const name = `${describeLocation(f.location)}${f.event ? ` ${f.event}` : ''}`;
      const details = f.issues
        .map((i) => `${i.path === '' ? '(root)' : i.path}: ${i.message} [${i.keyword}]`)
        .join('\n');
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
  const tests = tally.failures.length + tally.readErrors.length + 1 + (omitted ? 1 : 0);
  const failures = tally.failures.length + (omitted ? 1 : 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${tests}" failures="${failures}" errors="${tally.readErrors.length}">\n  <testsuite name="chatspark-webhooks validate (${strict ? 'strict' : 'default'} mode)" tests="${tests}" failures="${failures}" errors="${tally.readErrors.length}">\n${validCase}${cases}${omitted}${readErrors}  </testsuite>\n</testsuites>\n`;
}
