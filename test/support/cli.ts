// Runs the built CLI (dist/cli/main.js) as a child process, as users do.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { ROOT, readJson } from '../helpers.js';

export const BIN = join(ROOT, 'dist/cli/main.js');

export function requireBuild(): void {
  if (!existsSync(BIN)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI command to its end, feeding `input` on standard input. */
export function run(args: string[], options: { input?: string; cwd?: string; nodeArgs?: string[] } = {}): Promise<Run> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], { cwd: options.cwd ?? ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.stdin.end(options.input ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

export interface Listener {
  url: string;
  child: ChildProcessWithoutNullStreams;
  /** stdout and stderr as they arrived: two pipes, so their relative order is not guaranteed. */
  output: () => string;
  /** stdout alone, in its own order (the verdict is its last line). */
  stdout: () => string;
  exit: Promise<number | null>;
}

/** Starts `listen` on a free port of 127.0.0.1; resolves once it printed its URL. */
export function listen(args: string[], cwd = ROOT): Promise<Listener> {
  return watchListener(spawn(process.execPath, [BIN, 'listen', '--port', '0', ...args], { cwd }));
}

/** Collects a started `listen`'s output; resolves once its stdout's first line gave the URL. */
export async function watchListener(child: ChildProcessWithoutNullStreams): Promise<Listener> {
  let output = '';
  let stdout = '';
  child.stdout.on('data', (d) => {
    output += d;
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  while (!stdout.includes('\n')) {
    const closed = await Promise.race([once(child.stdout, 'data').then(() => false), exit.then(() => true)]);
    if (closed) throw new Error(`listen exited early: ${output}`);
  }
  const first = stdout.split('\n')[0]!;
  // With --format json the first line is a `ready` record holding the URL.
  const url = first.startsWith('{') ? (JSON.parse(first) as { url: string }).url : first;
  if (!/^http:\/\/127\.0\.0\.1:\d+\/$/.test(url)) throw new Error(`listen printed no URL first: ${output}`);
  return { url, child, output: () => output, stdout: () => stdout, exit };
}

let recordSchema: ReturnType<Ajv['compile']> | undefined;

/** The check of vectors/report-record.schema.json, compiled once per test file. */
export function recordValidator(): ReturnType<Ajv['compile']> {
  if (recordSchema) return recordSchema;
  const ajv = new Ajv({ allErrors: true, strict: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  recordSchema = ajv.compile(readJson('vectors/report-record.schema.json') as object);
  return recordSchema;
}

/**
 * The records of an NDJSON report; throws if a line is not JSON or a record does not match
 * vectors/report-record.schema.json, so every report a test reads holds every record to it.
 */
export function records(path: string): any[] {
  const text = readFileSync(path, 'utf8');
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error('the report ends with a partial line');
  const validate = recordValidator();
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, index) => {
      const record: unknown = JSON.parse(line);
      if (!validate(record))
        throw new Error(
          `${path}:${index + 1}: the record does not match vectors/report-record.schema.json: ${JSON.stringify(validate.errors)}`,
        );
      return record;
    });
}
