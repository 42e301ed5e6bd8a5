// The recipes in recipes/ are tested, not just written: each is type-checked as a user's project
// would check it (`tsc -p recipes`: strict, module nodenext, no DOM library; deno.ts also by
// `deno check` with Deno's own types), then started as a real server on its runtime and
// contract-tested with the CLI, `send <url> --count 2 --seed 1` (every answer 2xx) and
// `send <url> --invalid` (every answer 4xx). Each recipe imports '@chatspark/webhooks' as users
// do: Node.js, Bun and esbuild resolve it through node_modules/@chatspark/webhooks, a link to this
// package; Deno gets a copy of the package in node_modules (its type checker does not map the
// declaration files of linked local sources).
//
// How each runs:
// - node:http, Express, Fastify: with node, after esbuild strips the types. `express.ts` and
//   `express-json.ts` import 'express' and run twice: with express@5, and with express@4 linked
//   as node_modules/express (the `express4` alias), so one recipe is proven on both majors.
// - Hono and the Next.js route handler: their `app.fetch` and `POST` exports, served by
//   test/support/fetch-bridge.mjs (node:http → Request → Response, as @hono/node-server and
//   Next.js's server do).
// - The Cloudflare Worker: bundled by esbuild, served by workerd (`workerd serve config.capnp`).
// - Deno.serve under deno, Bun.serve under bun.
//
// Decision: the unknown-event vectors. A receiver built on createWebhookReceiver() acknowledges a
// well-formed event of an unknown name (202, clarifications-2: forward compatible), while the
// parseWebhookEvent recipe rejects it (400, as its README block does). `send --invalid` judges
// those vectors by its own expectation; an answer that differs from it only on those vectors, and
// only as the recipe declares (`unknownEvents`), is reported on the recipe's line, not failed.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../src/index.js';
import { ROOT, loadVectorFiles } from './helpers.js';
import { requireBuild, run } from './support/cli.js';
import { freePort, startServer, type RunningServer } from './support/recipe-runner.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const BIN = (name: string) => join(ROOT, 'node_modules/.bin', name);
/** Not later than the workerd binary's own date (its `--version`). */
const WORKERD_COMPATIBILITY_DATE = '2026-11-17';

type Runtime = 'node' | 'node (express@4)' | 'node + fetch bridge' | 'workerd' | 'deno' | 'bun';
interface Recipe {
  /** The recipe file in recipes/. */
  file: string;
  label: string;
  runtime: Runtime;
  /** What a well-formed event of an unknown name gets: see the decision above. */
  unknownEvents: '2xx' | '4xx';
  /** The recipe has an `/api/echo` route behind the app's JSON parser, to prove it still parses. */
  echoRoute?: boolean;
  /** For the fetch bridge: which export is the handler. */
  bridgeExport?: string;
}

const RECIPES: Recipe[] = [
  { file: 'node-http-parse.ts', label: 'node:http + parseWebhookEvent', runtime: 'node', unknownEvents: '4xx' },
  { file: 'node-http.ts', label: 'node:http + receiver', runtime: 'node', unknownEvents: '2xx' },
  { file: 'express.ts', label: 'Express 5', runtime: 'node', unknownEvents: '2xx' },
  { file: 'express.ts', label: 'Express 4', runtime: 'node (express@4)', unknownEvents: '2xx' },
  {
    file: 'express-json.ts',
    label: 'Express 5 + express.json()',
    runtime: 'node',
    unknownEvents: '2xx',
    echoRoute: true,
  },
  {
    file: 'express-json.ts',
    label: 'Express 4 + express.json()',
    runtime: 'node (express@4)',
    unknownEvents: '2xx',
    echoRoute: true,
  },
  { file: 'fastify.ts', label: 'Fastify 5, scoped parser', runtime: 'node', unknownEvents: '2xx', echoRoute: true },
  {
    file: 'hono.ts',
    label: 'Hono',
    runtime: 'node + fetch bridge',
    unknownEvents: '2xx',
    bridgeExport: 'default.fetch',
  },
  {
    file: 'next-route.ts',
    label: 'Next.js route handler',
    runtime: 'node + fetch bridge',
    unknownEvents: '2xx',
    bridgeExport: 'POST',
  },
  { file: 'worker.ts', label: 'Cloudflare Worker', runtime: 'workerd', unknownEvents: '2xx' },
  { file: 'deno.ts', label: 'Deno.serve', runtime: 'deno', unknownEvents: '2xx' },
  { file: 'bun.ts', label: 'Bun.serve', runtime: 'bun', unknownEvents: '2xx' },
];
const nameOf = (recipe: Recipe) => `${recipe.file} (${recipe.label}, ${recipe.runtime})`;

/** "file description" of every invalid vector that is a well-formed envelope of an unknown event name. */
const UNKNOWN_EVENT_VECTORS = new Set(
  loadVectorFiles().flatMap(({ file, content }) =>
    content.cases
      .filter((c) => {
        const payload = c.payload as { event?: unknown; data?: unknown } | null;
        return (
          !c.valid &&
          typeof payload === 'object' &&
          payload !== null &&
          typeof payload.event === 'string' &&
          !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(payload.event) &&
          typeof payload.data === 'object' &&
          payload.data !== null &&
          !Array.isArray(payload.data)
        );
      })
      .map((c) => `${file} ${c.description}`),
  ),
);

/** Runs a command to its end; resolves with its exit code and output. */
function exec(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => (output += error.message));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** A folder whose node_modules links the given packages (name → folder). */
function folderWith(dir: string, links: Record<string, string>): string {
  for (const [name, target] of Object.entries(links)) {
    mkdirSync(join(dir, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(target, join(dir, 'node_modules', name), 'dir');
  }
  return dir;
}

let tmp: string;
let typeCheck: Promise<{ code: number | null; output: string }>;
let denoCheck: Promise<{ code: number | null; output: string }>;
const servers = new Map<Recipe, Promise<RunningServer>>();
const lines = new Map<Recipe, string>();

/** Prepares a recipe's files and starts its server on a free port. */
async function start(recipe: Recipe, dirs: { node: string; express4: string; deno: string; worker: string }) {
  const port = await freePort();
  const source = readFileSync(join(ROOT, 'recipes', recipe.file), 'utf8');
  const base = recipe.file.replace(/\.ts$/, '');
  if (recipe.runtime === 'deno') {
    writeFileSync(join(dirs.deno, recipe.file), source);
    return startServer(
      BIN('deno'),
      ['run', '--no-lock', '--no-prompt', '--allow-net', '--allow-env=PORT', recipe.file],
      {
        cwd: dirs.deno,
        port,
        env: { DENO_NO_UPDATE_CHECK: '1' },
      },
    );
  }
  if (recipe.runtime === 'bun') {
    writeFileSync(join(dirs.node, recipe.file), source);
    return startServer(BIN('bun'), ['run', recipe.file], { cwd: dirs.node, port });
  }
  if (recipe.runtime === 'workerd') {
    await build({
      entryPoints: [join(ROOT, 'recipes', recipe.file)],
      outfile: join(dirs.worker, 'worker.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      logLevel: 'silent',
    });
    writeFileSync(
      join(dirs.worker, 'config.capnp'),
      [
        'using Workerd = import "/workerd/workerd.capnp";',
        'const config :Workerd.Config = (',
        '  services = [ (name = "main", worker = .worker) ],',
        `  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],`,
        ');',
        'const worker :Workerd.Worker = (',
        '  modules = [ (name = "worker.mjs", esModule = embed "worker.mjs") ],',
        `  compatibilityDate = "${WORKERD_COMPATIBILITY_DATE}",`,
        ');',
        '',
      ].join('\n'),
    );
    return startServer(BIN('workerd'), ['serve', 'config.capnp'], { cwd: dirs.worker, port });
  }
  // Node.js 20 does not run TypeScript: esbuild strips the types, nothing else.
  const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: recipe.file });
  const dir = recipe.runtime === 'node (express@4)' ? dirs.express4 : dirs.node;
  const script = join(dir, `${base}.mjs`);
  writeFileSync(script, code);
  if (recipe.runtime === 'node + fetch bridge') {
    return startServer(process.execPath, [join(ROOT, 'test/support/fetch-bridge.mjs'), script, recipe.bridgeExport!], {
      cwd: dir,
      port,
    });
  }
  return startServer(process.execPath, [script], { cwd: dir, port });
}

beforeAll(async () => {
  requireBuild();
  // Type checks run beside the servers (child processes: the two cores share the work).
  typeCheck = exec(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'recipes', '--pretty', 'false'],
    ROOT,
  );
  tmp = mkdtempSync(join(tmpdir(), 'chatspark-recipes-'));
  const modules = join(ROOT, 'node_modules');
  const dirs = {
    node: folderWith(join(tmp, 'node'), {
      '@chatspark/webhooks': ROOT,
      express: join(modules, 'express'),
      fastify: join(modules, 'fastify'),
      hono: join(modules, 'hono'),
    }),
    express4: folderWith(join(tmp, 'express4'), { '@chatspark/webhooks': ROOT, express: join(modules, 'express4') }),
    deno: join(tmp, 'deno'),
    worker: join(tmp, 'worker'),
  };
  mkdirSync(dirs.worker, { recursive: true });
  // Deno: the package as installed (package.json, dist/, generated/), and a package.json naming it.
  const installed = join(dirs.deno, 'node_modules/@chatspark/webhooks');
  mkdirSync(installed, { recursive: true });
  for (const part of ['package.json', 'dist', 'generated'])
    cpSync(join(ROOT, part), join(installed, part), { recursive: true });
  writeFileSync(
    join(dirs.deno, 'package.json'),
    JSON.stringify({ private: true, type: 'module', dependencies: { '@chatspark/webhooks': '*' } }),
  );
  writeFileSync(join(dirs.deno, 'deno.ts'), readFileSync(join(ROOT, 'recipes/deno.ts')));
  denoCheck = exec(BIN('deno'), ['check', '--no-lock', '--quiet', 'deno.ts'], dirs.deno);
  for (const recipe of RECIPES) {
    const started = start(recipe, dirs);
    started.catch(() => undefined); // reported by the recipe's own test
    servers.set(recipe, started);
  }
});

afterAll(async () => {
  await Promise.all(
    [...servers.values()].map((s) =>
      s.then(
        (server) => server.stop(),
        () => undefined,
      ),
    ),
  );
  await Promise.allSettled([typeCheck, denoCheck]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  const width = Math.max(...RECIPES.map((r) => nameOf(r).length));
  console.log(RECIPES.map((r) => `${nameOf(r).padEnd(width)}  ${lines.get(r) ?? '✗ did not finish'}`).join('\n'));
});

describe('recipes/', () => {
  it('every recipe type-checks: tsc -p recipes (strict, module nodenext, ES2022 + Node.js types, no DOM)', async () => {
    const { code, output } = await typeCheck;
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it("deno.ts type-checks with Deno's own types (deno check)", async () => {
    const { code, output } = await denoCheck;
    expect(output.trim()).toBe('');
    expect(code).toBe(0);
  });

  it('every recipe file is run below', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(join(ROOT, 'recipes')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(new Set(RECIPES.map((r) => r.file))).toEqual(new Set(files));
  });

  describe.concurrent('each recipe as a server, contract-tested by `send`', () => {
    for (const recipe of RECIPES) {
      it(nameOf(recipe), async () => {
        const began = performance.now();
        const server = await servers.get(recipe)!;
        const url = `http://127.0.0.1:${server.port}/webhooks`;
        const valid = await run(['send', url, '--count', '2', '--seed', '1', '--quiet']);
        const invalid = await run(['send', url, '--invalid', '--seed', '1', '--quiet']);
        const context = `${nameOf(recipe)}\n--- send:\n${valid.stdout}${valid.stderr}\n--- send --invalid:\n${invalid.stdout}${invalid.stderr}\n--- server:\n${server.output()}`;
        expect(valid.code, context).toBe(0);

        // --invalid: every failure must be an unknown-event vector answered as the recipe declares.
        const failures = invalid.stdout.split('\n').filter((line) => line.startsWith('✗'));
        const excused = failures.filter((line) => {
          const match = /^✗ (\d)\d\d\s.*#\d+ invalid: (.+?)\s+\(expected \dxx\)$/.exec(line);
          return match !== null && `${match[1]}xx` === recipe.unknownEvents && UNKNOWN_EVENT_VECTORS.has(match[2]!);
        });
        expect(
          failures.filter((line) => !excused.includes(line)),
          context,
        ).toEqual([]);
        expect(invalid.code, context).toBe(excused.length > 0 ? 1 : 0);
        const summary = (text: string) => /Sent (\d+) events: (\d+) answered as expected/.exec(text);
        const [, sent, ok] = summary(valid.stdout) ?? [];
        const [, sentInvalid, okInvalid] = summary(invalid.stdout) ?? [];
        expect(Number(sent)).toBeGreaterThan(0);
        expect(Number(sentInvalid)).toBeGreaterThan(0);

        let echo = '';
        if (recipe.echoRoute) {
          // Another route of the same app still gets parsed JSON.
          const body = { note: 'not a webhook', list: [1, 'two'] };
          const response = await fetch(`http://127.0.0.1:${server.port}/api/echo`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          expect(response.status, context).toBe(200);
          expect(await response.json(), context).toEqual({ received: body });
          echo = ' · /api/echo gets parsed JSON';
        }
        const unknown =
          excused.length > 0
            ? ` + ${excused.length} unknown-event vectors got ${recipe.unknownEvents} as this recipe should (send expected ${recipe.unknownEvents === '2xx' ? '4xx' : '2xx'})`
            : '';
        const seconds = ((performance.now() - began) / 1000).toFixed(1);
        lines.set(
          recipe,
          `✓ send ${ok}/${sent} 2xx · --invalid ${okInvalid}/${sentInvalid} 4xx${unknown}${echo} · ${seconds} s`,
        );
      });
    }
  });
});
