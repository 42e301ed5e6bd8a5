// Shared loaders for the tests: the case files, the examples and the schemas, read as data.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function readJson<T = unknown>(...path: string[]): T {
  return JSON.parse(readFileSync(join(ROOT, ...path), 'utf8')) as T;
}

export type Mode = 'default' | 'strict' | 'both';

/** One test vector (vectors/*.json), in the shape of the JSON Schema Test Suite plus the mode and expected errors. */
export interface ContractCase {
  description: string;
  mode: Mode;
  payload: unknown;
  valid: boolean;
  /** The exact set of issues expected, by path and keyword (order does not matter). */
  errors?: { path: string; keyword: string }[];
  /** Whether the payload should type-check as its event's type; absent when types cannot tell. */
  typecheck?: boolean;
}

export interface CaseFile {
  event: string | null;
  description: string;
  cases: ContractCase[];
}

export function loadCaseFiles(): { file: string; content: CaseFile }[] {
  return readdirSync(join(ROOT, 'vectors'))
    .filter((f) => f.endsWith('.json') && f !== 'vectors.schema.json')
    .sort()
    .map((file) => ({ file, content: readJson<CaseFile>('vectors', file) }));
}

export function modesOf(mode: Mode): ('default' | 'strict')[] {
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

export function loadSchemaFiles(): { file: string; schema: Record<string, any> }[] {
  return readdirSync(join(ROOT, 'schemas'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, schema: readJson('schemas', file) }));
}
