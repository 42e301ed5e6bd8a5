// Sizes of the shipped validator entry points, each with the chunks it imports (transitively).
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { ROOT } from './contract.mjs';

/** The files an ES module loads: itself and every relative import, transitively. */
export function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/(?:import|from)\s*["'](\.[^"']+)["']/g))
    closure(join(dirname(file), match[1]), seen);
  return seen;
}

/** Raw and gzip bytes of an entry with its chunks (each file gzipped on its own, as served). */
export function entrySize(file) {
  let raw = 0;
  let gzip = 0;
  const files = [...closure(file)];
  for (const f of files) {
    const bytes = readFileSync(f);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip, files: files.map((f) => relative(ROOT, f)) };
}

/**
 * Gzip bytes of a bundle that only validates with one entry point (imports `event`, `validate` and
 * `isValid`, minified, as a consumer's bundler makes it): what the per-event size budget holds.
 * The entry's other exports (`redactWebhookEvent`) are pure and left out of such a bundle.
 */
export function validateOnlySize(file) {
  const result = esbuild.buildSync({
    stdin: { contents: `export { event, validate, isValid } from ${JSON.stringify(file)};`, resolveDir: ROOT },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
}
