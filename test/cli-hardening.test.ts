// Hardening of the CLI (the hardening issue): the built CLI in child processes and real shell
// pipes, against real node:http servers on 127.0.0.1.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readJson } from './helpers.js';
import { BIN, requireBuild, run as runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'chatspark-cli-hardening-'));
const lead = readJson<any>('examples/lead.captured.json');
const good = JSON.stringify(lead);
const bad = JSON.stringify({ ...lead, data: { ...lead.data, email: 'jane@' } });

requireBuild();
vi.setConfig({ testTimeout: 60_000 }); // child processes on a busy machine; no test is about time
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], input?: string, nodeArgs: string[] = []) => runCli(args, { input, nodeArgs, cwd: dir });

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Runs a shell pipeline; `status` is the exit status of its first command. */
function shell(script: string): Promise<{ stdout: string; stderr: string; status: number }> {
  const child = spawn('bash', ['-c', `${script}; echo "status \${PIPESTATUS[0]}" >&2`], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on('close', () => {
      const status = Number(/status (\d+)\n$/.exec(stderr)?.[1]);
      resolve({ stdout, stderr: stderr.replace(/status \d+\n$/, ''), status });
    }),
  );
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

const STACK_FRAME = /^\s+at /m;

describe('output closed early', () => {
  it('validate | head -1 ends quietly without a stack trace (status 141, as for SIGPIPE)', async () => {
    const path = file('many-bad.ndjson', `${bad}\n`.repeat(100_000));
    const result = await shell(`node ${BIN} validate ${path} | head -1`);
    expect(result.stdout).toBe(`✗ ${path}:1 (lead.captured)\n`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(141);
    const json = await shell(`node ${BIN} validate --format json ${path} | head -1`);
    expect(json).toEqual({ stdout: '{\n', stderr: '', status: 141 });
  }, 60_000);

  it('send | head -1 ends quietly without a stack trace and stops sending', async () => {
    let requests = 0;
    const { server, url } = await serve((req, res) => {
      requests++;
      req.resume();
      res.writeHead(204).end();
    });
    try {
      const result = await shell(`node ${BIN} send ${url}/hook --count 2000 --concurrency 1 | head -1`);
      expect(result.stdout).toMatch(/^Sending to http:\/\/127\.0\.0\.1:\d+\/hook /);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(141);
      expect(requests).toBeLessThan(2000);
    } finally {
      server.close();
    }
  }, 60_000);

  it('an output that cannot be written (a full disk) is one line on stderr and exit 2', async () => {
    const path = file('some-bad.ndjson', `${bad}\n`.repeat(1000));
    const result = await shell(`node ${BIN} validate ${path} > /dev/full`);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^chatspark-webhooks validate: cannot write output: .*ENOSPC.*\n$/);
  });
});

describe('unexpected failures', () => {
  it('exit 2 with one line and no stack trace; CHATSPARK_DEBUG=1 adds the stack', async () => {
    // A failure nothing expects: an exception thrown from a timer while validate waits on stdin
    // (once the CLI has loaded and installed its handler).
    const boom = [
      '--import',
      'data:text/javascript,const t = setInterval(() => { if (process.listenerCount("uncaughtException") > 0) { clearInterval(t); throw new Error("boom"); } }, 10)',
    ];
    const runHeld = (env: NodeJS.ProcessEnv) => {
      const child = spawn(process.execPath, [...boom, BIN, 'validate', '-'], { cwd: dir, env });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      return new Promise<{ code: number | null; stderr: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, stderr })),
      );
    };
    const quiet = await runHeld({ ...process.env, CHATSPARK_DEBUG: '' });
    expect(quiet.code).toBe(2);
    expect(quiet.stderr).toBe(
      'chatspark-webhooks validate: unexpected error: boom (set CHATSPARK_DEBUG=1 for details)\n',
    );
    const debug = await runHeld({ ...process.env, CHATSPARK_DEBUG: '1' });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^chatspark-webhooks validate: unexpected error: boom\n/);
    expect(debug.stderr).toMatch(STACK_FRAME);
  });

  it('an error thrown inside a command is one line too', async () => {
    const { main } = await import('../src/cli/main.js');
    const { PassThrough } = await import('node:stream');
    let stderr = '';
    const io = {
      // A stream that throws on write, as a broken custom stream might.
      stdout: {
        write: () => {
          throw new Error('the terminal went away');
        },
      } as unknown as NodeJS.WritableStream,
      stderr: { write: (text: string) => ((stderr += text), true) } as unknown as NodeJS.WritableStream,
      stdin: new PassThrough(),
    };
    const previous = process.env.CHATSPARK_DEBUG;
    delete process.env.CHATSPARK_DEBUG;
    try {
      expect(await main(['examples'], io)).toBe(2);
    } finally {
      if (previous !== undefined) process.env.CHATSPARK_DEBUG = previous;
    }
    expect(stderr).toBe(
      'chatspark-webhooks examples: unexpected error: the terminal went away (set CHATSPARK_DEBUG=1 for details)\n',
    );
  });
});
