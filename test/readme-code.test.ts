// Every TypeScript block of the README, of CONTRIBUTING.md and of the docs guides' sources
// (docs-src/*.md, rendered into docs/ by scripts/build-docs.mjs) compiles unchanged, as a
// user's strict project compiles it: ES2022 and Node.js types only (no DOM library), module
// nodenext, importing '@chatspark/webhooks' by its name (this package, resolved through its
// `exports` to dist/). The package's own declaration files are checked in the same setting.
//
// Conventions of the blocks (the info string after ```ts):
// - `recipe=recipes/<file>.ts`: the block is that recipe, byte for byte (test/recipes.test.ts
//   type-checks it and runs it as a server against `send`), so the two cannot drift.
// - `no-check <reason>`: not checked; the reason is required. The count of checked blocks must
//   stay above zero (a renamed fence or a broken extractor would otherwise pass silently).
// - A fragment says so in the block itself: a visible setup line completes it (`declare const
//   body: string; // setup: …`). Blocks with such a `declare` are type-checked only; the other
//   blocks that are not recipes are also run with node and must exit 0.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { transform } from 'esbuild';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ROOT } from './helpers.js';
import { requireBuild } from './support/cli.js';
import {
  GUIDE_SOURCES,
  codeBlocks,
  formatDiagnostic,
  markdownSources as sourcesIn,
  typeCheck,
  type CodeBlock,
} from './support/readme-blocks.js';

vi.setConfig({ testTimeout: 60_000 });

const markdownSources = () => sourcesIn(ROOT);
const TS_LANGS = new Set(['ts', 'typescript', 'mts', 'tsx']);
const blocks = markdownSources().flatMap((source) =>
  codeBlocks(readFileSync(join(ROOT, source), 'utf8'), source).filter((b) => TS_LANGS.has(b.lang)),
);
const where = (b: CodeBlock) => `${b.source}:${b.line}`;
const recipeOf = (b: CodeBlock) => /(?:^|\s)recipe=(\S+)/.exec(b.meta)?.[1];
const skipped = blocks.filter((b) => /^no-check\b/.test(b.meta));
const checked = blocks.filter((b) => !skipped.includes(b));
/** Each checked block as a file inside the repository (never written: the checker reads it from memory). */
const fileOf = new Map(
  checked.map((b, i) => [b, join(ROOT, '.readme-code', `${b.source.replace(/\W/g, '_')}-L${b.line}-${i}.ts`)]),
);

let tmp: string | undefined;
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('README code blocks', () => {
  it('there are checked blocks (the count must not drop to zero), and each skipped one gives its reason', () => {
    expect(checked.length).toBeGreaterThan(0);
    // The guides are read too: a broken extractor or a moved folder must not pass silently.
    expect(markdownSources().filter((file) => file.startsWith(`${GUIDE_SOURCES}/`)).length).toBeGreaterThan(0);
    expect(checked.filter((b) => b.source.startsWith(`${GUIDE_SOURCES}/`)).length).toBeGreaterThan(0);
    for (const b of skipped)
      expect(b.meta.replace(/^no-check\b/, '').trim(), `${where(b)}: no-check needs a reason`).not.toBe('');
    console.log(
      `README code: ${checked.length} TypeScript blocks checked (${checked.filter(recipeOf).length} of them recipes), ${skipped.length} marked no-check, from ${markdownSources().join(', ')}`,
    );
  });

  it('every TypeScript block compiles: strict, module nodenext, ES2022 + Node.js types, no DOM', () => {
    requireBuild();
    const byFile = new Map([...fileOf].map(([b, file]) => [file, b]));
    const diagnostics = typeCheck(
      checked.map((b) => ({ fileName: fileOf.get(b)!, text: `${b.code}\n` })),
      ROOT,
    );
    const report = diagnostics.map((d) =>
      formatDiagnostic(d, (fileName, line) => {
        const block = byFile.get(fileName);
        // A block's line 1 is the line after its opening fence.
        return block ? `${block.source}:${block.line + line}` : relative(ROOT, fileName);
      }),
    );
    expect(report).toEqual([]);
  });

  for (const b of checked.filter(recipeOf)) {
    it(`${where(b)} is ${recipeOf(b)}, byte for byte`, () => {
      const path = join(ROOT, recipeOf(b)!);
      expect(existsSync(path), `${where(b)} names a recipe that does not exist`).toBe(true);
      expect(`${b.code}\n`).toBe(readFileSync(path, 'utf8'));
    });
  }

  /** What each block printed when it ran. */
  const outputs = new Map<CodeBlock, string>();
  const runnable = checked.filter((b) => !recipeOf(b) && !/^\s*declare\s/m.test(b.code));
  for (const b of runnable) {
    it(`${where(b)} runs with node and exits 0`, async () => {
      requireBuild();
      if (!tmp) {
        tmp = mkdtempSync(join(tmpdir(), 'chatspark-readme-code-'));
        mkdirSync(join(tmp, 'node_modules/@chatspark'), { recursive: true });
        symlinkSync(ROOT, join(tmp, 'node_modules/@chatspark/webhooks'), 'dir');
      }
      const { code } = await transform(b.code, { loader: 'ts', format: 'esm', target: 'node20' });
      const script = join(tmp, `block-${b.source.replace(/\W/g, '_')}-L${b.line}.mjs`);
      writeFileSync(script, code);
      const child = spawn(process.execPath, [script], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
      clearTimeout(timer);
      expect({ exitCode, output }).toEqual({ exitCode: 0, output: expect.any(String) });
      outputs.set(b, output);
    });
  }

  // The README's receiver with verify and dedupe (issue 13's "Done when"): what it prints is what
  // its comments say, so the README cannot claim a 401 its code does not give.
  it("the README's verifying receiver: forged, stale and unsigned are 401 with their reason, a rotated secret passes, a retry runs once", () => {
    const block = runnable.find((b) => b.source === 'README.md' && b.code.includes('secret: [secret, previous]'));
    expect(block, 'the README block of Verifying deliveries').toBeDefined();
    const lines = outputs.get(block!)?.trim().split('\n');
    expect(lines).toEqual([
      'new lead lead_1',
      '200 {"ok":true,"event":"lead.captured"}',
      '200 {"ok":true,"event":"lead.captured","duplicate":true}',
      'new lead lead_2',
      '200 {"ok":true,"event":"lead.captured"}',
      expect.stringMatching(/^401 \{"ok":false,"error":"unauthorized","reason":"no-matching-signature",/),
      expect.stringMatching(/^401 \{"ok":false,"error":"unauthorized","reason":"too-old",/),
      expect.stringMatching(/^401 \{"ok":false,"error":"unauthorized","reason":"missing-header",/),
    ]);
  });
});
