// The package as a consumer sees it: what `npm pack` ships, the exports map, and a TypeScript and
// an ES module consumer importing '@chatspark/webhooks' by name (self-reference; needs `npm run build`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_SCHEMAS, ROOT, loadExamples, loadSchemaFiles, readJson } from './helpers.js';
import { WEBHOOK_EVENT_TYPES as EVENT_TYPES } from '../src/index.js';

const pkg = readJson<any>('package.json');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
let dir: string;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  dir = mkdtempSync(join(ROOT, 'test/types/.tmp-consumer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The modules of a source folder (declarations aside), compiled into dist/. */
function compiledSources(folder: string): string[] {
  return readdirSync(join(ROOT, folder))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.ts$/, ''));
}

describe('package.json', () => {
  it('is an ES module package with types first in every export condition', () => {
    expect(pkg.name).toBe('@chatspark/webhooks');
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toMatch(/^>=20/);
    expect(Object.keys(pkg.exports['.'])[0]).toBe('types');
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('ships only what consumers need (npm pack)', () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    const paths: string[] = packed.files.map((f: { path: string }) => f.path).sort();
    const expected = [
      'LICENSE',
      'README.md',
      'package.json',
      'asyncapi.yaml',
      // The three bundles and the chunks they share (scripts/bundle-entry.mjs), not tsc's modules.
      'dist/index.js',
      'dist/vitest.js',
      'dist/testing.js',
      'dist/cli/main.js',
      ...readdirSync(join(ROOT, 'dist/chunks')).map((f) => `dist/chunks/${f}`),
      ...compiledSources('src').map((name) => `dist/${name}.d.ts`),
      // The testing entry's declarations name the CLI's record and event types.
      ...compiledSources('src/cli').map((name) => `dist/cli/${name}.d.ts`),
      'generated/types.d.ts',
      'generated/validators.d.ts',
      'generated/validators.js',
      ...EVENT_TYPES.flatMap((event) => [`generated/validators/${event}.js`, `generated/validators/${event}.d.ts`]),
      ...loadSchemaFiles().map((s) => `schemas/${s.file}`),
      ...BUNDLE_SCHEMAS.map((file) => `schemas/${file}`),
      ...loadExamples().map((e) => `examples/${e.file}`),
      ...readdirSync(join(ROOT, 'vectors')).map((f) => `vectors/${f}`),
    ].sort();
    expect(paths).toEqual(expected);
  });

  it('ships each compiled function once (the per-event validators aside: self-contained by design)', () => {
    const shipped = [
      'dist/index.js',
      'dist/vitest.js',
      'dist/testing.js',
      'dist/cli/main.js',
      ...readdirSync(join(ROOT, 'dist/chunks')).map((f) => `dist/chunks/${f}`),
      'generated/validators.js',
    ];
    const homes = new Map<string, string[]>();
    for (const file of shipped) {
      const code = readFileSync(join(ROOT, file), 'utf8');
      for (const [, name] of code.matchAll(/(?:^|[;{}\s])(?:async\s+)?(?:function\*?|class)\s+([\w$]+)/g))
        homes.set(name!, [...(homes.get(name!) ?? []), file]);
    }
    const twice = [...homes].filter(([, files]) => new Set(files).size > 1);
    expect(homes.size).toBeGreaterThan(100);
    expect(twice).toEqual([]);
  });

  it('makes asyncapi.yaml, every schema and every example reachable as subpaths', () => {
    const require = createRequire(join(ROOT, 'package.json'));
    const subpaths = [
      'asyncapi.yaml',
      ...loadSchemaFiles().map((s) => `schemas/${s.file}`),
      ...BUNDLE_SCHEMAS.map((file) => `schemas/${file}`),
      ...loadExamples().map((e) => `examples/${e.file}`),
    ];
    for (const subpath of subpaths) expect(require.resolve(`@chatspark/webhooks/${subpath}`)).toBe(join(ROOT, subpath));
  });
});

describe('consumers', () => {
  it('an ES module imports the package by name and validates', () => {
    writeFileSync(
      join(dir, 'consumer.mjs'),
      `
      import { validateWebhookEvent, WEBHOOK_EVENT_TYPES } from '@chatspark/webhooks';
      import example from '@chatspark/webhooks/examples/lead.captured.json' with { type: 'json' };
      const bad = validateWebhookEvent({ ...example, data: { ...example.data, email: 'x' } });
      console.log(JSON.stringify([WEBHOOK_EVENT_TYPES.length, validateWebhookEvent(example).valid, bad.errors[0].path]));
    `,
    );
    const out = execFileSync(process.execPath, [join(dir, 'consumer.mjs')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(JSON.parse(out)).toEqual([9, true, '/data/email']);
  });

  it('a TypeScript receiver imports validateWebhookEvent and WebhookEvent by name and narrows on event', () => {
    writeFileSync(
      join(dir, 'receiver.ts'),
      `
      import { parseWebhookEvent, validateWebhookEvent, type WebhookEvent } from '@chatspark/webhooks';
      export function handle(body: Uint8Array): string {
        const result = parseWebhookEvent(body);
        if (!result.valid) return result.errors.map((e) => e.path + ' ' + e.message).join('\\n');
        const event: WebhookEvent = result.event;
        switch (event.event) {
          case 'lead.captured': return event.data.email ?? 'no email';
          case 'training.completed': return (event.data.dataCount + 1).toFixed(0);
          case 'message.sent': { const role: 'user' | 'assistant' = event.data.role; return role; }
          default: return event.event;
        }
      }
      export const strict = validateWebhookEvent({}, { strict: true }).valid;
    `,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          skipLibCheck: false,
          types: [],
        },
        files: ['receiver.ts'],
      }),
    );
    let output = '';
    try {
      output = execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    } catch (error: any) {
      output = `${error.stdout}${error.stderr}`;
    }
    expect(output).toBe('');
  }, 60_000);
});
