/**
 * The package's data files (examples, vectors, schemas), found from the package root: the nearest
 * folder above this module holding a package.json. Not a fixed `../../`: the build may move this
 * code from dist/cli/ into a shared chunk (scripts/bundle-entry.mjs).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WebhookEvent } from '../../generated/types.js';

function findPackageRoot(): URL {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    if (existsSync(new URL('package.json', dir))) return dir;
    if (dir.pathname === '/') throw new Error(`no package.json above ${import.meta.url}`);
  }
}

const ROOT_URL = findPackageRoot();
export const PACKAGE_ROOT = fileURLToPath(ROOT_URL);

function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(new URL(relative, ROOT_URL), 'utf8')) as T;
}

function jsonFiles(folder: string): string[] {
  return readdirSync(new URL(`${folder}/`, ROOT_URL))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** The reference's example payloads, with their file names, in file-name order. */
export function loadExamples(): { name: string; payload: WebhookEvent }[] {
  return jsonFiles('examples').map((file) => ({
    name: file.replace(/\.json$/, ''),
    payload: readJson<WebhookEvent>(`examples/${file}`),
  }));
}

/** The validation mode(s) a test vector's verdict holds for. */
export type TestVectorMode = 'default' | 'strict' | 'both';

/**
 * One test vector (see vectors/vectors.schema.json): the shape of the JSON Schema Test Suite plus
 * the mode and the expected errors. The one definition of the type: the tests import it from here.
 */
export interface TestVector {
  description: string;
  mode: TestVectorMode;
  payload: unknown;
  valid: boolean;
  /** What a receiver following the package's rules answers, per mode, where it differs from the verdict. */
  answers?: { default?: '2xx' | '4xx'; strict?: '2xx' | '4xx' };
  /**
   * The exact set of issues expected, by path and keyword (order does not matter); `objectPath`
   * (for `required` and `additionalProperties`) is where validators that report those on the object put them.
   */
  errors?: { path: string; keyword: string; objectPath?: string }[];
  /** `false` when the verdict rests on the date-time calendar, which no `pattern` states portably. */
  portable?: false;
  /** Whether the payload should type-check as its event's type; absent when types cannot tell. */
  typecheck?: boolean;
}

/** One file of vectors/: the vectors of one event, or (`event: null`) those about the envelope. */
export interface TestVectorFile {
  event: string | null;
  description: string;
  cases: TestVector[];
}

/** Every test vector file, by file name, in file-name order. */
export function loadVectorFiles(): { file: string; content: TestVectorFile }[] {
  return jsonFiles('vectors')
    .filter((f) => !f.endsWith('.schema.json') && f !== 'signatures.json') // those are not event vectors
    .map((file) => ({ file, content: readJson<TestVectorFile>(`vectors/${file}`) }));
}

/** Every test vector, each with the file it came from. */
export function loadVectors(): (TestVector & { file: string })[] {
  return loadVectorFiles().flatMap(({ file, content }) => content.cases.map((c) => ({ ...c, file })));
}

/** A schema file by name, such as `lead.captured.json` or `common.json`. */
export function loadSchema(file: string): Record<string, unknown> {
  return readJson(`schemas/${file}`);
}

export function packageVersion(): string {
  return readJson<{ version: string }>('package.json').version;
}
