// The benchmark's contenders do the same work as the package (or its timings would mean nothing),
// and `npm run bench` runs end to end. Its figures are not asserted here: they are measurements.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWebhookEvent } from '../bench/contenders/handwritten.js';
import { checkWithZod } from '../bench/contenders/zod.js';
import { validateWebhookEvent } from '../src/index.js';
import { requireBuild } from './support/cli.js';
import { ROOT, loadVectorFiles } from './helpers.js';

const key = (issues: { path: string; keyword: string }[]) => issues.map((i) => `${i.path} ${i.keyword}`).sort();

describe('the benchmark contenders', () => {
  const vectors = loadVectorFiles()
    .flatMap(({ content }) => content.cases)
    .filter((c) => c.mode !== 'strict');

  it('the hand-written checker gives the package verdict and issues on every default-mode test vector', () => {
    expect(vectors.length).toBeGreaterThan(100);
    for (const c of vectors) {
      const ours = validateWebhookEvent(c.payload);
      const hand = checkWebhookEvent(c.payload);
      expect(hand.valid, c.description).toBe(c.valid);
      if (!ours.valid && !hand.valid) expect(key(hand.errors), c.description).toEqual(key(ours.errors));
    }
  });

  it('zod 4 gives the package verdict on every default-mode test vector', () => {
    for (const c of vectors) expect(checkWithZod(c.payload).valid, c.description).toBe(c.valid);
  });
});

describe('npm run bench -- --quick', () => {
  requireBuild();
  const dir = mkdtempSync(join(tmpdir(), 'chatspark-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('checks the verdicts first, then writes a table with every target measured', () => {
    const out = join(dir, 'results.md');
    const stdout = execFileSync(process.execPath, ['bench/run.mjs', '--quick', '--no-readme', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(stdout).toMatch(/Verdicts: \d+ valid and \d+ invalid payloads, \d+ validators: all agree\./);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain('Quick smoke run');
    const targets = markdown
      .split('## Targets')[1]!
      .split('\n## ')[0]!
      .split('\n')
      .filter((line) => /^\| (?!Target|---)/.test(line));
    expect(targets).toHaveLength(16);
    for (const row of targets) expect(row).toMatch(/\| (yes|\*\*no\*\*) \|$/);
    for (const section of [
      'Throughput, valid mix',
      'Throughput, invalid mix',
      'Hostile bodies',
      'Cold start',
      'Size of',
      'NDJSON',
      'HTTP',
      'Forwarding',
      'Signature verification',
      'Dedupe',
      'fetchHandler',
      'Docs render from disk',
    ])
      expect(markdown).toContain(`## ${section}`);
  }, 300_000);

  it('--only runs the named measurements and updates their rows, keeping the others', () => {
    const out = join(dir, 'only.md');
    const previous = readFileSync(join(ROOT, 'bench/results.md'), 'utf8');
    writeFileSync(out, previous);
    execFileSync(process.execPath, ['bench/run.mjs', '--quick', '--only', 'dedupe', '--out', out], {
      cwd: ROOT,
      timeout: 120_000,
    });
    const markdown = readFileSync(out, 'utf8');
    const rows = (text: string) =>
      text.split('\n').filter((line) => /^\| (?!Target|---)/.test(line) && line.endsWith(' |'));
    expect(markdown).toContain('Updated by `--only dedupe`');
    expect(markdown).toContain('## Dedupe');
    expect(markdown).toContain('| Receiver with in-memory dedupe on: time per delivery vs dedupe off |');
    // Every other row of the previous results is still there, unchanged.
    const kept = rows(previous).filter(
      (line) => !line.startsWith('| Receiver with in-memory dedupe') && !line.startsWith('| dedupe '),
    );
    for (const line of kept) expect(markdown).toContain(line);
  }, 150_000);
});
