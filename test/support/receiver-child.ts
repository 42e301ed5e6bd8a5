// Starts test/support/receiver-server.ts in a child process (bundled once with esbuild, packages
// left external so that express, express4 and fastify load from node_modules) and follows its log.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../helpers.js';
import type { Front } from './frameworks.js';

/**
 * A TypeScript file of test/support/ as one ES module under node_modules/.cache, to run in a child
 * process (packages left external, so they load from node_modules; one file per test process).
 */
export async function bundleSupportScript(name: string): Promise<string> {
  const dir = join(ROOT, 'node_modules/.cache/chatspark-support-scripts');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(ROOT, `test/support/${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return outfile;
}

let bundled: Promise<string> | undefined;

/** The server script, bundled once per test process. */
function bundle(): Promise<string> {
  bundled ??= bundleSupportScript('receiver-server');
  return bundled;
}

export interface ServerChild {
  front: Front;
  url: string;
  child: ChildProcessWithoutNullStreams;
  /** Parsed log lines after "ready". */
  lines: Record<string, unknown>[];
  output: () => string;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string | null>;
  alive: () => boolean;
  /** Waits until at least `count` log lines arrived or the process ended (bounded by `ms`). */
  waitForLines: (count: number, ms?: number) => Promise<void>;
  stop: () => Promise<void>;
}

export async function startServerChild(front: Front, maxBodyBytes: number): Promise<ServerChild> {
  const script = await bundle();
  const child = spawn(process.execPath, [script, front, String(maxBodyBytes)], { cwd: ROOT });
  let output = '';
  let pending = '';
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let ready: ((url: string) => void) | undefined;
  const urlPromise = new Promise<string>((resolve) => (ready = resolve));
  let exitCode: number | string | null | undefined;
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => {
      exitCode = code ?? signal;
      resolve(exitCode);
      for (const wake of waiters) wake();
    }),
  );
  child.stderr.on('data', (d) => {
    output += d;
  });
  child.stdout.on('data', (d) => {
    output += d;
    pending += d;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (line.type === 'ready') ready!(String(line.url));
      else lines.push(line);
      for (const wake of waiters) wake();
    }
  });
  const url = await Promise.race([
    urlPromise,
    exited.then((code) => {
      throw new Error(`the ${front} server exited (${code}) before it was ready:\n${output}`);
    }),
  ]);
  return {
    front,
    url,
    child,
    lines,
    output: () => output,
    exited,
    alive: () => exitCode === undefined,
    waitForLines: (count, ms = 5000) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (lines.length >= count || exitCode !== undefined) finish();
        };
        const timer = setTimeout(() => finish(), ms);
        const finish = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    stop: async () => {
      if (exitCode === undefined) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
