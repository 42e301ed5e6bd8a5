// The package as a consumer installs it: `npm pack`, install the tarball into a fresh project
// outside the repository, and use it from ESM, CommonJS, TypeScript (nodenext and bundler), the
// bin, and a browser bundle; publint and arethetypeswrong judge the tarball.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../src/index.js';
import { ROOT, readJson } from './helpers.js';
import { requireBuild } from './support/cli.js';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
const work = mkdtempSync(join(tmpdir(), 'chatspark-consumer-'));
const project = join(work, 'project');
let tarball: string;
let packed: { size: number; unpackedSize: number; files: { path: string; size: number }[] };

function sh(command: string, args: string[], cwd = project): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
  } catch (error: any) {
    throw new Error(`${command} ${args.join(' ')} failed (${error.status}):\n${error.stdout}\n${error.stderr}`);
  }
}

function write(name: string, content: string): string {
  const path = join(project, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(() => {
  requireBuild();
  [packed] = JSON.parse(sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT));
  tarball = join(work, (packed as any).filename);
  mkdirSync(project);
  write('package.json', JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // The package has no dependencies, so the install needs no network.
  sh('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts=false', tarball]);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('installed from the packed tarball', () => {
  it('imports from an ES module: the API, a schema, an example, the AsyncAPI document', () => {
    write(
      'esm.mjs',
      `
      import { readFileSync } from 'node:fs';
      import { validateWebhookEvent, parseWebhookEvent, createWebhookReceiver, WEBHOOK_EVENT_TYPES } from '@chatspark/webhooks';
      import example from '@chatspark/webhooks/examples/lead.captured.json' with { type: 'json' };
      import schema from '@chatspark/webhooks/schemas/lead.captured.json' with { type: 'json' };
      const asyncapi = readFileSync(new URL(import.meta.resolve('@chatspark/webhooks/asyncapi.yaml')), 'utf8');
      import { validate as validateLead } from '@chatspark/webhooks/validators/lead.captured';
      const outcome = await createWebhookReceiver().receive(JSON.stringify(example));
      console.log(JSON.stringify([WEBHOOK_EVENT_TYPES.length, validateWebhookEvent(example).valid, parseWebhookEvent('{').valid, schema.title, asyncapi.includes('asyncapi: 3'), outcome.status, validateLead(example, { strict: true }).valid]));
    `,
    );
    expect(JSON.parse(sh(process.execPath, ['esm.mjs']))).toEqual([
      9,
      true,
      false,
      'LeadCapturedEvent',
      true,
      200,
      true,
    ]);
  });

  it('requires from CommonJS (Node 20.19+ loads the ES module with require)', () => {
    write(
      'cjs.cjs',
      `
      const { validateWebhookEvent, WebhookValidationError, assertWebhookEvent } = require('@chatspark/webhooks');
      const example = require('@chatspark/webhooks/examples/lead.captured.json');
      let branded = false;
      try { assertWebhookEvent({}); } catch (e) { branded = WebhookValidationError.isWebhookValidationError(e); }
      console.log(JSON.stringify([validateWebhookEvent(example).valid, branded]));
    `,
    );
    expect(JSON.parse(sh(process.execPath, ['cjs.cjs']))).toEqual([true, true]);
  });

  const receiver = `
    import { parseWebhookEvent, createWebhookReceiver, type WebhookEvent, type WebhookEventMap } from '@chatspark/webhooks';
    export function describe(body: Uint8Array): string {
      const result = parseWebhookEvent(body);
      if (!result.valid) return result.errors[0]?.path ?? '';
      const event: WebhookEvent = result.event;
      switch (event.event) {
        case 'lead.captured': return event.data.email ?? '';
        case 'training.completed': return String(event.data.dataCount + 1);
        default: return event.event;
      }
    }
    export const receiver = createWebhookReceiver().on('message.sent', (e) => e.data.role.toUpperCase());
    export type Lead = WebhookEventMap['lead.captured'];
    import { validate as validateTraining, isValid as isTraining } from '@chatspark/webhooks/validators/training.completed';
    export function count(input: unknown): number {
      const result = validateTraining(input);
      if (result.valid) return result.event.data.dataCount;
      if (isTraining(input)) return input.data.trainingId;
      return result.errors.length;
    }
    // @ts-expect-error trainingId is a number
    export const wrong: WebhookEventMap['training.failed']['data']['trainingId'] = '1';
  `;

  for (const [name, compilerOptions] of [
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ] as const) {
    it(`type-checks a TypeScript consumer under moduleResolution ${name}`, () => {
      const folder = join(project, `ts-${name}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'receiver.mts'), receiver);
      writeFileSync(
        join(folder, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            ...compilerOptions,
            target: 'es2022',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: [],
          },
          files: ['receiver.mts'],
        }),
      );
      expect(sh(process.execPath, [tsc, '-p', folder])).toBe('');
    }, 60_000);
  }

  it('type-checks a CommonJS TypeScript consumer under nodenext (require of the ES module)', () => {
    const folder = join(project, 'ts-cjs');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'receiver.cts'),
      `import { validateWebhookEvent, type WebhookEvent } from '@chatspark/webhooks';\nexport const ok: boolean = validateWebhookEvent({}).valid;\nexport type E = WebhookEvent['event'];\n`,
    );
    writeFileSync(
      join(folder, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          types: [],
        },
        files: ['receiver.cts'],
      }),
    );
    expect(sh(process.execPath, [tsc, '-p', folder])).toBe('');
  }, 60_000);

  it('runs the bin', () => {
    const out = sh(join(project, 'node_modules/.bin/chatspark-webhooks'), ['examples', 'lead.captured']);
    expect(JSON.parse(out)).toEqual(readJson('examples/lead.captured.json'));
    const example = join(project, 'node_modules/@chatspark/webhooks/examples/lead.captured.json');
    expect(sh(join(project, 'node_modules/.bin/chatspark-webhooks'), ['validate', example], project)).toContain(
      '1 event in 1 input',
    );
  });

  it("bundles one event's entry point for the browser, without the other events", async () => {
    write(
      'one-event.mjs',
      `import { isValid } from '@chatspark/webhooks/validators/agent.updated'; globalThis.check = isValid;`,
    );
    const result = await esbuild.build({
      entryPoints: [join(project, 'one-event.mjs')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      logLevel: 'silent',
      absWorkingDir: project,
    });
    const code = result.outputFiles[0]!.text;
    expect(code).toContain('agent.updated');
    expect(code).not.toContain('training.failed');
  });

  it('bundles the validators for the browser with no Node built-in pulled in', async () => {
    write(
      'browser.mjs',
      `
      import { parseWebhookEvent, validateWebhookEvent } from '@chatspark/webhooks';
      globalThis.check = (body) => parseWebhookEvent(body).valid && validateWebhookEvent(JSON.parse(body)).valid;
    `,
    );
    const result = await esbuild.build({
      entryPoints: [join(project, 'browser.mjs')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: project,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /^node:|(^|\/)(fs|path|http|crypto|stream|buffer|util)$/.test(i))).toEqual([]);
    expect(inputs.some((i) => i.includes('cli/'))).toBe(false);
    // The bundle runs where there is no Node: evaluate it with only the web globals it needs.
    const code = result.outputFiles[0]!.text;
    const sandbox: any = { TextDecoder, TextEncoder };
    new Function('globalThis', code.replace(/export\s*\{[^}]*\};?\s*$/, ''))(sandbox);
    expect(sandbox.check(JSON.stringify(readJson('examples/training.failed.json')))).toBe(true);
    expect(sandbox.check('{"event":"training.failed"}')).toBe(false);
  });
});

describe('the tarball', () => {
  it('holds only what consumers need', () => {
    const paths = packed.files.map((f) => f.path);
    for (const path of paths)
      expect(path).toMatch(
        /^(package\.json|README\.md|LICENSE|asyncapi\.yaml|dist\/|generated\/|schemas\/|examples\/|vectors\/)/,
      );
    for (const forbidden of ['src/', 'test/', 'scripts/', 'node_modules/', 'bench/', 'docs/']) {
      expect(
        paths.some((p) => p.startsWith(forbidden)),
        forbidden,
      ).toBe(false);
    }
    // 0.2.0 ships the receiver pipeline, the Web handler and the CLI's report writer, line splitter
    // and output guard: 100 KiB became 128 KiB packed. The budget catches accidental growth (a
    // dependency bundled in, a file shipped twice), not new features.
    expect(packed.size).toBeLessThan(140 * 1024);
  });

  it('publint finds no problem', () => {
    const out = sh(bin('publint'), ['run', tarball, '--strict']);
    expect(out).toContain('All good!');
  }, 60_000);

  it('arethetypeswrong finds no problem for ES module consumers', () => {
    // ESM only by decision; the CommonJS warning ("dynamic import only") is what attw says of every
    // ESM-only package, and does not hold on Node 20.19+, where require() loads it (tested above).
    // attw exits non-zero on any problem that is not ignored (sh throws then).
    const out = sh(bin('attw'), [
      tarball,
      '--profile',
      'esm-only',
      '--exclude-entrypoints',
      './asyncapi.yaml',
      '--format',
      'table-flipped',
      // eslint-disable-next-line no-control-regex -- strips the ANSI colour codes, which begin with ESC
    ]).replace(/\u001b\[[0-9;]*m/g, '');
    for (const entry of ['"@chatspark/webhooks"', '"@chatspark/webhooks/vitest"']) {
      const row = out.split('\n').find((line) => line.includes(entry)) ?? '';
      expect(row, entry).toMatch(/🟢 \(ESM\)\s*│\s*🟢/); // node16 from ESM, and bundler
    }
  }, 60_000);

  it('lists its files and sizes in generated/package-contents.md (linked from the README), as they are', () => {
    const contents = readFileSync(join(ROOT, 'generated/package-contents.md'), 'utf8');
    expect(contents.split('\n')[0]).toMatch(/Generated by scripts\/build-package-contents\.mjs.*Do not edit/);
    const listed = [...contents.matchAll(/^\| `([^`]+)` \| ([\d,]+) \|$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect([...listed].sort()).toEqual(packed.files.map((f) => `${f.path} ${f.size.toLocaleString('en')}`).sort());
    expect(contents).toContain(
      `${packed.files.length} files, ${packed.unpackedSize.toLocaleString('en')} bytes unpacked`,
    );
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('(generated/package-contents.md)');
    expect(WEBHOOK_EVENT_TYPES).toHaveLength(9);
  });
});
