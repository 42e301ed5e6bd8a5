// Shared loaders for the tests: the test vector files, the examples and the schemas, read as data.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestVectorMode } from '../src/cli/assets.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function readJson<T = unknown>(...path: string[]): T {
  return JSON.parse(readFileSync(join(ROOT, ...path), 'utf8')) as T;
}

export type { TestVector, TestVectorFile, TestVectorMode } from '../src/cli/assets.js';
export { loadVectorFiles } from '../src/cli/assets.js';

export function modesOf(mode: TestVectorMode): ('default' | 'strict')[] {
  return mode === 'both' ? ['default', 'strict'] : [mode];
}

/** The example payload files, by file name. */
export function loadExamples(): {
  file: string;
  payload: { event: string; timestamp: string; data: Record<string, unknown> };
}[] {
  return readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, payload: readJson('examples', file) }));
}

/** The base of every schema's `$id` (scripts/lib/contract.mjs says why it never changes). */
export const SCHEMA_ID_BASE = 'https://schemas.chatspark.dev/webhooks/';

/** The single-file schemas scripts/build-bundle.mjs generates into schemas/ (not sources). */
export const BUNDLE_SCHEMAS = ['bundle.json', 'bundle.strict.json'];

/** The source schema files (not the generated bundles), by file name. */
export function loadSchemaFiles(): { file: string; schema: Record<string, any> }[] {
  return readdirSync(join(ROOT, 'schemas'))
    .filter((f) => f.endsWith('.json') && !BUNDLE_SCHEMAS.includes(f))
    .sort()
    .map((file) => ({ file, schema: readJson('schemas', file) }));
}
