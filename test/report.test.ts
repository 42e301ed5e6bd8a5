// The report writer against real faults, without privileges or mocks: /dev/full (ENOSPC), a child
// process under `ulimit -f` (a short write, then EFBIG), /dev/null, a FIFO and a pipe (fsync EINVAL),
// a FIFO whose reader left (EPIPE). A record is in the file whole or not at all, and counted.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportWriter } from '../src/cli/report.js';
import { ROOT } from './helpers.js';
import { listen, requireBuild } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'chatspark-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILL = join(ROOT, 'test/support/report-fill.mjs');
const ECHO = join(ROOT, 'test/support/report-echo.mjs');

/** The child scripts import the built module. */
function requireBuiltReport(): void {
  if (!existsSync(join(ROOT, 'dist/cli/report.js'))) throw new Error('dist/cli/report.js is missing: run the build');
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runProcess(command: string, args: string[]): Promise<Exit> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** Every line of an NDJSON text parsed; throws on a torn or partial line. */
function lines(text: string): any[] {
  if (text === '') return [];
  expect(text.endsWith('\n'), 'the text ends with a whole line').toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line));
}

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

describe('listen --report on a target that cannot be fsynced [needs listen wired to ReportWriter]', () => {
  // Both fail before the wiring: listen fsyncs /dev/null (EINVAL), at shutdown (a crash with a stack
  // trace, exit 1) and with --fsync after every batch (each delivery answered 500).
  const body = readFileSync(join(ROOT, 'examples/agent.updated.json'), 'utf8');
  const post = (url: string) => fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it('listen --report /dev/null --count 1 answers the delivery and shuts down cleanly', async () => {
    requireBuild();
    const server = await listen(['--report', '/dev/null', '--count', '1']);
    try {
      expect((await post(server.url)).status).toBe(200);
      const code = await server.exit;
      expect(server.output()).not.toMatch(/EINVAL|\n\s+at /);
      expect(code).toBe(0);
    } finally {
      server.child.kill();
    }
  }, 20_000);

  it('listen --fsync --report /dev/null acknowledges with 200 (fsync is skipped where it cannot apply)', async () => {
    requireBuild();
    const server = await listen(['--fsync', '--report', '/dev/null', '--count', '1']);
    try {
      expect((await post(server.url)).status).toBe(200);
      const code = await server.exit;
      expect(server.output()).not.toMatch(/EINVAL/);
      expect(code).toBe(0);
    } finally {
      server.child.kill();
    }
  }, 20_000);
});

describe('ReportWriter on a full device', () => {
  it('/dev/full: write resolves false, the record is counted lost, firstError names ENOSPC, nothing throws', async () => {
    const errors: string[] = [];
    const writer = ReportWriter.open('/dev/full', { fsync: true, onError: (m) => errors.push(m) });
    expect(await writer.write({ n: 1 })).toBe(false);
    expect(writer.lost).toBe(1);
    expect(writer.firstError).toMatch(/^ENOSPC/);
    expect(errors).toEqual([expect.stringMatching(/^cannot write 1 record to the report: ENOSPC/)]);
    // A character device: no fsync at close, so no EINVAL either.
    expect(await writer.close()).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('a failed batch loses its records as a whole and is reported once; the next turn is a batch of its own', async () => {
    const errors: string[] = [];
    const writer = ReportWriter.open('/dev/full', { fsync: false, onError: (m) => errors.push(m) });
    const first = await Promise.all([1, 2, 3, 4, 5].map((n) => writer.write({ n })));
    const second = await writer.write({ n: 6 });
    expect(first).toEqual([false, false, false, false, false]);
    expect(second).toBe(false);
    expect(errors.map((m) => m.replace(/:.*/, ''))).toEqual([
      'cannot write 5 records to the report',
      'cannot write 1 record to the report',
    ]);
    expect(await writer.close()).toBe(6);
  });
});

describe('ReportWriter under a file-size limit (a child process with ulimit -f)', () => {
  // bash counts `ulimit -f` in 1024-byte blocks: 4 blocks is a 4096-byte limit. The child writes
  // ~100-byte records in batches of 7 until a batch crosses the limit: the kernel writes what fits
  // (a short write), the rest fails with EFBIG, and the writer must cut the torn batch back out.
  it.each(['no-fsync', 'fsync'])(
    'a short write then EFBIG leaves only whole records: lines = writes resolved true, lost = the rest (%s)',
    async (mode) => {
      requireBuiltReport();
      const report = join(dir, `limit-${mode}.ndjson`);
      const child = await runProcess('bash', [
        '-c',
        'ulimit -f 4; exec "$0" "$@"',
        process.execPath,
        FILL,
        report,
        mode,
      ]);
      // Node ignores SIGXFSZ from startup; had it not, the child would die by that signal here.
      expect(child.signal, child.stderr).toBeNull();
      expect(child.code, child.stderr).toBe(0);
      const result = JSON.parse(child.stdout);
      expect(result.sigxfszIgnored).toBe(true);
      expect(result.fileSizeLimit).toBe(4096);

      const text = readFileSync(report, 'utf8');
      const records = lines(text);
      expect(records.map((r) => r.seq)).toEqual(result.written);
      expect(result.failed.length).toBeGreaterThan(0);
      expect(result.lost).toBe(result.failed.length);
      expect(result.closeLost).toBe(result.lost);
      expect(statSync(report).size).toBeLessThanOrEqual(4096);

      // The crossing batch was written in part (the short write) and that part was removed again:
      expect(result.firstError).toMatch(/^EFBIG/);
      expect(result.errors[0]).toMatch(
        /^cannot write 7 records to the report: EFBIG.*\((\d+) bytes of a partial batch removed\)$/,
      );
      expect(Number(/\((\d+) bytes/.exec(result.errors[0])![1])).toBeGreaterThan(0);
      // ...so single records fit again after it; left in place, the torn batch would have filled the file.
      expect(result.singlesWritten).toBeGreaterThan(0);
    },
    30_000,
  );
});

describe('ReportWriter on targets that cannot be fsynced', () => {
  it('/dev/null with fsync: every write resolves true and close() resolves 0', async () => {
    const errors: string[] = [];
    const writer = ReportWriter.open('/dev/null', { fsync: true, onError: (m) => errors.push(m) });
    expect(await Promise.all([writer.write({ a: 1 }), writer.write({ a: 2 })])).toEqual([true, true]);
    expect(await writer.write({ a: 3 })).toBe(true);
    expect(await writer.close()).toBe(0);
    expect(errors).toEqual([]);
    expect(writer.firstError).toBeUndefined();
  });

  it('a FIFO with a reader: the records arrive whole and in order, close() does not throw', async () => {
    const path = fifo('reader.fifo');
    const reader = runProcess('cat', [path]);
    // Opening a FIFO for writing blocks until the reader has it open.
    const writer = ReportWriter.open(path, { fsync: true });
    const turn = await Promise.all([1, 2, 3].map((n) => writer.write({ n })));
    const later = await writer.write({ n: 4 });
    expect(await writer.close()).toBe(0);
    expect([...turn, later]).toEqual([true, true, true, true]);
    const { stdout, code } = await reader;
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it('a pipe (a child writing its report to /dev/stdout | cat): the records arrive, no EINVAL, nothing lost', async () => {
    requireBuiltReport();
    // A shell pipeline, as `listen --report /dev/stdout | jq` would be: a real pipe(2).
    const pipeline = 'set -o pipefail; "$0" "$@" | cat';
    const child = await runProcess('bash', ['-c', pipeline, process.execPath, ECHO, '/dev/stdout', '5']);
    expect(child.code, child.stderr).toBe(0);
    expect(JSON.parse(child.stderr)).toEqual({
      results: [true, true, true, true, true, true],
      lost: 0,
      firstError: null,
    });
    expect(lines(child.stdout).map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a socket behind /dev/stdout cannot be opened by path: open() throws ENXIO in one clear line', async () => {
    requireBuiltReport();
    // Node gives a child's piped stdio as a socketpair, not a pipe, and Linux refuses to open a
    // socket through /proc/self/fd: listen turns this into exit 2 before serving.
    const child = await runProcess(process.execPath, [ECHO, '/dev/stdout', '1']);
    expect(child.code).not.toBe(0);
    expect(child.stderr).toMatch(/Error: cannot open report \/dev\/stdout: ENXIO: no such device or address/);
    expect(child.stdout).toBe('');
  });

  it('a FIFO whose reader has gone: EPIPE is counted, not thrown (Node ignores SIGPIPE)', async () => {
    const path = fifo('gone.fifo');
    const reader = runProcess('bash', ['-c', ': < "$0"', path]);
    const writer = ReportWriter.open(path, { fsync: false });
    await reader;
    expect(await writer.write({ n: 1 })).toBe(false);
    expect(writer.firstError).toMatch(/^EPIPE/);
    expect(await writer.close()).toBe(1);
  });
});

describe('ReportWriter on a FIFO whose reader leaves mid-batch', () => {
  it('the part that reached the pipe cannot be taken back, so the next record starts on a line of its own', async () => {
    const path = fifo('torn.fifo');
    const errors: string[] = [];
    const first = runProcess('head', ['-c', '1000', path]);
    const writer = ReportWriter.open(path, { fsync: false, onError: (m) => errors.push(m) });
    // Larger than the pipe's 64 KiB: the write blocks, the reader leaves, the kernel returns the part
    // it took (a short write) and the rest fails with EPIPE.
    expect(await writer.write({ big: 'x'.repeat(300_000) })).toBe(false);
    await first;
    expect(errors[0]).toMatch(
      /^cannot write 1 record to the report: EPIPE.*\((\d+) bytes of a partial batch already reached the reader\)$/,
    );
    // What the first reader left unread stays in the FIFO for the next one, torn record included.
    const second = spawn('bash', ['-c', 'exec 3<"$0"; echo open >&2; exec cat <&3', path]);
    let text = '';
    second.stdout.on('data', (d) => (text += d));
    await once(second.stderr, 'data'); // it has the FIFO open: writes no longer fail with EPIPE
    expect(await writer.write({ n: 2 })).toBe(true);
    expect(await writer.close()).toBe(1);
    await once(second, 'close');
    const [torn, last, ...rest] = text.split('\n');
    expect(torn).toMatch(/^x*$/); // the rest of the torn record, on a line of its own
    expect(JSON.parse(last!)).toEqual({ n: 2 });
    expect(rest).toEqual(['']);
  });
});

describe('ReportWriter batching and serialisation', () => {
  it('records queued in one turn are written together at its end: one line each, all resolve true', async () => {
    const path = join(dir, 'batch.ndjson');
    const writer = ReportWriter.open(path, { fsync: true });
    const pending = Array.from({ length: 50 }, (_, n) => writer.write({ n }));
    expect(readFileSync(path, 'utf8'), 'nothing is written before the turn ends').toBe('');
    expect(await Promise.all(pending)).toEqual(Array(50).fill(true));
    expect(lines(readFileSync(path, 'utf8'))).toEqual(Array.from({ length: 50 }, (_, n) => ({ n })));
    expect(await writer.close()).toBe(0);
  });

  it('a turn holding more than one batch can hold (16 Mi characters) is written in order as several batches', async () => {
    const path = join(dir, 'large-turn.ndjson');
    const writer = ReportWriter.open(path, { fsync: false });
    const pad = 'x'.repeat(7 * 1024 * 1024);
    const results = await Promise.all([1, 2, 3].map((n) => writer.write({ n, pad })));
    expect(results).toEqual([true, true, true]);
    expect(await writer.close()).toBe(0);
    const line = (n: number) => `{"n":${n},"pad":"${pad}"}\n`;
    expect(readFileSync(path, 'latin1') === line(1) + line(2) + line(3)).toBe(true);
    // Where the batches fall shows on /dev/full: one failure per batch.
    const errors: string[] = [];
    const full = ReportWriter.open('/dev/full', { fsync: false, onError: (m) => errors.push(m) });
    await Promise.all([1, 2, 3].map((n) => full.write({ n, pad })));
    expect(errors.map((m) => m.replace(/:.*/, ''))).toEqual([
      'cannot write 2 records to the report',
      'cannot write 1 record to the report',
    ]);
    await full.close();
  }, 30_000);

  it('each record is exactly one line, whatever its strings hold', async () => {
    const path = join(dir, 'one-line.ndjson');
    const writer = ReportWriter.open(path, { fsync: false });
    const awkward = { text: 'a\nb\r\nc\u2028d\u2029e\u0000f', lone: '\ud800', key: { 'x\ny': ['\n'] } };
    expect(await writer.write(awkward)).toBe(true);
    expect(await writer.write('a string')).toBe(true);
    await writer.close();
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(lines(text)).toEqual([awkward, 'a string']);
  });

  it('a record that is not JSON resolves false and is counted, and its batch is written without it', async () => {
    const path = join(dir, 'not-json.ndjson');
    const errors: string[] = [];
    const writer = ReportWriter.open(path, { fsync: false, onError: (m) => errors.push(m) });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const results = await Promise.all([
      writer.write({ n: 1 }),
      writer.write(undefined),
      writer.write({ big: 1n }),
      writer.write(circular),
      writer.write({ n: 2 }),
    ]);
    expect(results).toEqual([true, false, false, false, true]);
    expect(writer.lost).toBe(3);
    expect(writer.firstError).toMatch(/not JSON/);
    expect(errors).toHaveLength(3);
    expect(await writer.close()).toBe(3);
    expect(lines(readFileSync(path, 'utf8'))).toEqual([{ n: 1 }, { n: 2 }]);
  });
});

describe('ReportWriter lifecycle', () => {
  it('close() flushes what is still queued, is safe to call twice, and a write after it is counted lost', async () => {
    const path = join(dir, 'close.ndjson');
    const writer = ReportWriter.open(path, { fsync: true });
    const queued = writer.write({ n: 1 });
    const [first, second] = await Promise.all([writer.close(), writer.close()]);
    expect(await queued).toBe(true);
    expect([first, second]).toEqual([0, 0]);
    expect(await writer.write({ n: 2 })).toBe(false);
    expect(writer.lost).toBe(1);
    expect(await writer.close()).toBe(0); // the same answer as the first close
    expect(lines(readFileSync(path, 'utf8'))).toEqual([{ n: 1 }]);
  });

  it('appends to an existing report instead of replacing it', async () => {
    const path = join(dir, 'append.ndjson');
    writeFileSync(path, '{"v":1}\n');
    const writer = ReportWriter.open(path, { fsync: false });
    await writer.write({ v: 2 });
    await writer.close();
    expect(lines(readFileSync(path, 'utf8'))).toEqual([{ v: 1 }, { v: 2 }]);
  });

  it('appending after a run killed mid-write keeps its partial last line and starts on a line of its own', async () => {
    const path = join(dir, 'torn.ndjson');
    writeFileSync(path, '{"v":2,"n":1}\n{"v":2,"re');
    const writer = ReportWriter.open(path, { fsync: false });
    await writer.write({ v: 2, n: 3 });
    await writer.close();
    expect(readFileSync(path, 'utf8')).toBe('{"v":2,"n":1}\n{"v":2,"re\n{"v":2,"n":3}\n');
  });

  it('open() on an unwritable path throws one clear line naming the path and the cause', () => {
    const missing = join(dir, 'no-such-dir', 'r.ndjson');
    expect(() => ReportWriter.open(missing, { fsync: false })).toThrow(
      new RegExp(`^cannot open report ${missing}: ENOENT: no such file or directory`),
    );
    const directory = join(dir, 'a-directory');
    mkdirSync(directory);
    expect(() => ReportWriter.open(directory, { fsync: false })).toThrow(/^cannot open report .*: EISDIR/);
    const strange = join(dir, 'no\nsuch', 'r.ndjson');
    expect(() => ReportWriter.open(strange, { fsync: false })).toThrow(/^[^\n]*$/);
  });

  it('an onError that throws does not turn a counted failure into a crash', async () => {
    const writer = ReportWriter.open('/dev/full', {
      fsync: false,
      onError: () => {
        throw new Error('listener bug');
      },
    });
    expect(await writer.write({ n: 1 })).toBe(false);
    expect(await writer.close()).toBe(1);
  });
});
