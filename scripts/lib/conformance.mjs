// Runs every test vector, in each mode it names, through independent JSON Schema validators
// loading the shipped schema files, and through the package's own validators. Shared by
// scripts/build-conformance.mjs (the agreement table) and test/conformance.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_SCHEMAS, ROOT, SCHEMAS_DIR, UNION_SCHEMA, loadSchemas, readJson } from './contract.mjs';
// Which files of vectors/ are event vectors has one home, the package's own loader (built).
import { loadVectorFiles } from '../../dist/cli/assets.js';

const [BUNDLE, STRICT_BUNDLE] = BUNDLE_SCHEMAS;

/**
 * Every vector once per mode it names: `{ id, file, index, description, mode, payload, valid, portable }`,
 * `id` being `<file>#<index>/<mode>`.
 */
export function vectorRuns() {
  const runs = [];
  for (const { file, content } of loadVectorFiles()) {
    content.cases.forEach((vector, index) => {
      for (const mode of vector.mode === 'both' ? ['default', 'strict'] : [vector.mode])
        runs.push({
          id: `${file}#${index}/${mode}`,
          file,
          index,
          description: vector.description,
          mode,
          payload: vector.payload,
          valid: vector.valid,
          portable: vector.portable !== false,
        });
    });
  }
  return runs;
}

/** The schema files by file name (sources only; each carries its `$id`). */
const sourceSchemas = () => loadSchemas().map(({ file, schema }) => ({ file, schema }));
const bundleFor = (mode) => readJson(join(SCHEMAS_DIR, mode === 'strict' ? STRICT_BUNDLE : BUNDLE));

/** The package itself: the shipped validators (dist/, built). */
async function packageVerdicts(runs) {
  const { validateWebhookEvent } = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  return runs.map((r) => validateWebhookEvent(r.payload, { strict: r.mode === 'strict' }).valid);
}

export const AJV_CLI = join(ROOT, 'node_modules', 'ajv-cli', 'dist', 'index.js');
/**
 * The ajv-cli arguments that load the shipped schemas (README, "Other languages and tools"), from
 * the folder that holds `schemas/`: default mode reads the per-event files by `$id` (`-r`), strict
 * mode the strict bundle. `--strict-schema=false` (unknown keywords ignored; the rest of strict mode stays on) only because the union's `discriminator` keyword is not
 * one ajv-cli can switch on (the verdict is the `oneOf`'s).
 */
export function ajvCliArgs(mode, data) {
  const schemaArgs =
    mode === 'strict'
      ? ['-s', `schemas/${STRICT_BUNDLE}`]
      : [
          '-s',
          `schemas/${UNION_SCHEMA}`,
          ...sourceSchemas()
            .filter((s) => s.file !== UNION_SCHEMA)
            .flatMap((s) => ['-r', `schemas/${s.file}`]),
        ];
  return ['validate', '--spec=draft7', '-c', 'ajv-formats', '--strict-schema=false', ...schemaArgs, '-d', data];
}

/** ajv-cli as a real process: one run per mode over a folder of payload files. */
function ajvCliVerdicts(runs) {
  const dir = mkdtempSync(join(tmpdir(), 'chatspark-conformance-'));
  try {
    const verdicts = new Array(runs.length);
    for (const mode of ['default', 'strict']) {
      const indexes = runs.flatMap((r, i) => (r.mode === mode ? [i] : []));
      for (const i of indexes)
        writeFileSync(join(dir, `${mode}-${String(i).padStart(4, '0')}.json`), JSON.stringify(runs[i].payload));
      let output;
      try {
        output = execFileSync(
          process.execPath,
          [AJV_CLI, ...ajvCliArgs(mode, `${dir}/${mode}-*.json`), '--errors=line'],
          {
            cwd: ROOT,
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
            maxBuffer: 256 * 1024 * 1024,
          },
        );
      } catch (error) {
        output = `${error.stdout}\n${error.stderr}`;
      }
      for (const i of indexes) {
        const name = `${mode}-${String(i).padStart(4, '0')}.json`;
        const line = new RegExp(`${name} (valid|invalid)`).exec(output);
        if (!line) throw new Error(`ajv-cli gave no verdict for ${name}:\n${output.slice(0, 2000)}`);
        verdicts[i] = line[1] === 'valid';
      }
    }
    return verdicts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @cfworker/json-schema: the bundle of each mode, one file, formats on. */
async function cfworkerVerdicts(runs) {
  const { Validator } = await import('@cfworker/json-schema');
  const validators = {
    default: new Validator(bundleFor('default'), '7'),
    strict: new Validator(bundleFor('strict'), '7'),
  };
  return runs.map((r) => validators[r.mode].validate(r.payload).valid);
}

/** @hyperjump/json-schema: the per-file schemas registered by `$id` (default), the strict bundle (strict); formats asserted. */
async function hyperjumpVerdicts(runs) {
  const hyperjump = await import('@hyperjump/json-schema/draft-07');
  await import('@hyperjump/json-schema/formats');
  hyperjump.setShouldValidateFormat(true);
  for (const { schema } of sourceSchemas()) hyperjump.registerSchema(schema);
  const strict = bundleFor('strict');
  hyperjump.registerSchema(strict);
  const check = {
    default: await hyperjump.validate(readJson(join(SCHEMAS_DIR, UNION_SCHEMA)).$id),
    strict: await hyperjump.validate(strict.$id),
  };
  return runs.map((r) => check[r.mode](r.payload).valid);
}

/** Python's jsonschema (python3 on PATH): schemas in a `referencing` Registry by `$id`, formats checked. */
const PYTHON = String.raw`
import json, sys
from pathlib import Path
from jsonschema import Draft7Validator
from referencing import Registry, Resource
root = Path(sys.argv[1])
schemas = [json.loads(p.read_text()) for p in sorted((root / "schemas").glob("*.json"))]
registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
by_id = {s["$id"]: s for s in schemas}
base = by_id[next(i for i in by_id if i.endswith("/webhook-event.json"))]["$id"].rsplit("/", 1)[0]
validators = {
    mode: Draft7Validator(by_id[f"{base}/{name}"], registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)
    for mode, name in (("default", "webhook-event.json"), ("strict", "bundle.strict.json"))
}
for run in json.load(sys.stdin):
    print(json.dumps(validators[run["mode"]].is_valid(run["payload"])))
`;
function pythonVerdicts(runs) {
  const out = execFileSync('python3', ['-c', PYTHON, ROOT], {
    input: JSON.stringify(runs.map((r) => ({ mode: r.mode, payload: r.payload }))),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

/** An installed package's version (read from its folder: not every package exports package.json). */
const packageVersion = (name) => readJson(join(ROOT, 'node_modules', name, 'package.json')).version;

/** Each validator: its name, version, how it loads the schemas, and how to get its verdicts. */
export const VALIDATORS = [
  {
    name: 'ajv-cli',
    version: () => packageVersion('ajv-cli'),
    loads: 'per-file schemas with `-r` (default), `bundle.strict.json` (strict); `-c ajv-formats`',
    verdicts: ajvCliVerdicts,
  },
  {
    name: '@cfworker/json-schema',
    version: () => packageVersion('@cfworker/json-schema'),
    loads: '`bundle.json`, `bundle.strict.json`',
    verdicts: cfworkerVerdicts,
  },
  {
    name: '@hyperjump/json-schema',
    version: () => packageVersion('@hyperjump/json-schema'),
    loads: 'per-file schemas by `$id` (default), `bundle.strict.json` (strict); formats asserted',
    verdicts: hyperjumpVerdicts,
  },
  {
    name: 'jsonschema (Python)',
    version: () =>
      execFileSync('python3', ['-c', 'import importlib.metadata as m; print(m.version("jsonschema"))'], {
        encoding: 'utf8',
      }).trim(),
    loads:
      'per-file schemas in a `referencing` Registry by `$id` (default), `bundle.strict.json` (strict); `FORMAT_CHECKER`',
    verdicts: pythonVerdicts,
  },
];
export { packageVerdicts };
