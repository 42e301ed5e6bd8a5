// Terminal polish: colour only on a terminal (NO_COLOR and FORCE_COLOR respected), "did you mean"
// for a mistyped event, `validate -` taking one pretty-printed document, and the progress line.
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colourFor, didYouMean, Progress } from '../src/cli/format.js';
import { BIN, listen, requireBuild, run } from './support/cli.js';

requireBuild();

/** Runs the CLI with an environment of its own; stdout is a pipe. */
function runWith(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env } });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stdin.end();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

const ESC = '\u001b[';

describe('colour', () => {
  it('is off in a pipe, on with FORCE_COLOR, and NO_COLOR does not override FORCE_COLOR', async () => {
    const server = await listen(['--count', '2', '--quiet']);
    const plain = await runWith(['send', server.url, '--event', 'agent.updated', '--count', '0'], {});
    expect(plain.stdout).toContain('✓ 200');
    expect(plain.stdout).not.toContain(ESC);
    const forced = await runWith(['send', server.url, '--event', 'agent.updated', '--count', '0'], {
      FORCE_COLOR: '1',
    });
    expect(forced.stdout).toContain(`${ESC}32m✓${ESC}0m`);
    expect(forced.stdout).toContain(`${ESC}32mPASS${ESC}0m`);
    expect(await server.exit).toBe(0);
  }, 30_000);

  it('colourFor: a terminal gets colour unless NO_COLOR; FORCE_COLOR=0 turns it off', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const pipe = new PassThrough();
    expect(colourFor(tty, {})).toBe(true);
    expect(colourFor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourFor(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourFor(pipe, {})).toBe(false);
    expect(colourFor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourFor(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
  });
});

describe('did you mean', () => {
  it('names the nearest event for a mistyped one, in send and listen', async () => {
    const sent = await run(['send', 'http://127.0.0.1:9/', '--event', 'lead.captred']);
    expect(sent.code).toBe(2);
    expect(sent.stderr).toContain('Did you mean "lead.captured"?');
    const listened = await run(['listen', '--expect', 'mesage.sent']);
    expect(listened.stderr).toContain('Did you mean "message.sent"?');
    expect(didYouMean('zzzzzzzz', ['lead.captured'])).toBe('');
  });
});

describe('validate -', () => {
  it('takes one pretty-printed event on standard input as one document (not 14 invalid lines)', async () => {
    const event = (await run(['examples', 'lead.captured'])).stdout;
    expect(event.split('\n').length).toBeGreaterThan(10);
    const checked = await run(['validate', '-'], { input: event });
    expect(checked.stdout).toContain('1 event in 1 input (default mode): 1 valid, 0 invalid');
    expect(checked.code).toBe(0);
    const array = await run(['validate', '-'], { input: JSON.stringify([JSON.parse(event), 1], null, 2) });
    expect(array.stdout).toContain('2 events in 1 input (default mode): 1 valid, 1 invalid');
    const ndjson = await run(['validate', '-'], { input: (await run(['examples', '--ndjson'])).stdout });
    expect(ndjson.stdout).toMatch(/^\d+ events in 1 input \(default mode\): (\d+) valid, 0 invalid/m);
  });
});

describe('progress line', () => {
  it('is drawn on a terminal after a second and erased; never on a pipe', async () => {
    const written: string[] = [];
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    tty.on('data', (d: Buffer) => written.push(d.toString()));
    const pipe = new PassThrough();
    let piped = '';
    pipe.on('data', (d: Buffer) => (piped += d));
    const onTty = new Progress(tty, 'sent');
    const onPipe = new Progress(pipe, 'sent');
    onTty.tick(1);
    expect(written).toEqual([]); // not in the first second
    await new Promise((r) => setTimeout(r, 1100));
    onTty.tick(500);
    onPipe.tick(500);
    onTty.done();
    onPipe.done();
    await new Promise((r) => setImmediate(r));
    expect(written.join('')).toBe('\r\u001b[Ksent 500…\r\u001b[K');
    expect(piped).toBe('');
  });
});
