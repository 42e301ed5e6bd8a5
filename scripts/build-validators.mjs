// Compiles every event schema with Ajv ahead of time (standalone code) into one self-contained
// ES module, generated/validators.js, plus its declaration file. Run: node scripts/build-validators.mjs
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { _ } from 'ajv/dist/compile/codegen/index.js';
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { ROOT, COMMON_SCHEMA, loadEvents, loadSchemas, toStrict, withoutAnnotations, header, outDir, writeOutput } from './lib/contract.mjs';

const SCRIPT = 'scripts/build-validators.mjs';
const FORMATS_MODULE = './src/formats.ts';
const dir = outDir('generated');

// The format checks, loaded from src/formats.ts, so Ajv knows the formats while compiling.
const formatsBundle = await esbuild.build({
  entryPoints: [join(ROOT, FORMATS_MODULE)], bundle: true, format: 'esm', write: false, logLevel: 'error',
});
const { formats } = await import(`data:text/javascript,${encodeURIComponent(formatsBundle.outputFiles[0].text)}`);

const ajv = new Ajv({
  allErrors: true, // all of the matched event's errors; the runtime caps the list
  strict: true,
  strictRequired: false,
  messages: false, // src/issues.ts writes the messages, from keyword and params
  code: { source: true, esm: true, formats: _`formats` },
});
for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);

const events = loadEvents();
// Annotations do not change a verdict; compiling without them keeps them out of the shipped code.
const common = withoutAnnotations(loadSchemas().find((s) => s.file === COMMON_SCHEMA).schema);
// Default and strict schemas live under separate base paths so each resolves common.json beside it.
ajv.addSchema(common, `default/${COMMON_SCHEMA}`);
ajv.addSchema(common, `strict/${COMMON_SCHEMA}`);
const exportsMap = {};
for (const { file, schema: annotated, camel } of events) {
  const schema = withoutAnnotations(annotated);
  ajv.addSchema(schema, `default/${file}`);
  ajv.addSchema(toStrict(schema), `strict/${file}`);
  exportsMap[camel] = `default/${file}`;
  exportsMap[`${camel}Strict`] = `strict/${file}`;
}
const ajvModule = `import { formats } from ${JSON.stringify(FORMATS_MODULE)};\n${standaloneCode(ajv, exportsMap)}`;

const entry = [
  `import { ${Object.keys(exportsMap).join(', ')} } from './ajv-standalone.js';`,
  `export const WEBHOOK_EVENT_TYPES = Object.freeze(${JSON.stringify(events.map((e) => e.event))});`,
  `export const validators = Object.freeze({ __proto__: null, ${events.map((e) => `${JSON.stringify(e.event)}: ${e.camel}`).join(', ')} });`,
  `export const strictValidators = Object.freeze({ __proto__: null, ${events.map((e) => `${JSON.stringify(e.event)}: ${e.camel}Strict`).join(', ')} });`,
].join('\n');

// Bundle so the module needs nothing at run time: no `require`, no ajv, no node_modules.
const bundle = await esbuild.build({
  stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'validators-entry.js', loader: 'js' },
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  write: false,
  legalComments: 'none',
  minify: true, // shipped to every receiver; schemas/ is the readable form
  banner: { js: header(SCRIPT) },
  logLevel: 'error',
  plugins: [{
    name: 'ajv-standalone',
    setup(build) {
      build.onResolve({ filter: /^\.\/ajv-standalone\.js$/ }, () => ({ path: 'ajv-standalone.js', namespace: 'ajv' }));
      build.onLoad({ filter: /.*/, namespace: 'ajv' }, () => ({ contents: ajvModule, loader: 'js', resolveDir: ROOT }));
      // Ajv's runtime helper is CommonJS; the same count, written as ES module code, replaces it.
      build.onResolve({ filter: /^ajv\/dist\/runtime\/ucs2length$/ }, () => ({ path: 'ucs2length.js', namespace: 'shim' }));
      build.onLoad({ filter: /.*/, namespace: 'shim' }, () => ({
        contents: `export { codePointLength as default } from ${JSON.stringify(FORMATS_MODULE)};`, loader: 'js', resolveDir: ROOT,
      }));
    },
  }],
});
writeOutput(dir, 'validators.js', bundle.outputFiles[0].text);

const eventUnion = events.map((e) => JSON.stringify(e.event)).join(' | ');
writeOutput(dir, 'validators.d.ts', `${header(SCRIPT)}
/** One Ajv error, as the compiled validators report it. */
export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A compiled validator: returns whether \`data\` matches and leaves its errors on \`.errors\`. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

/** The nine event names, in the reference's order. */
export declare const WEBHOOK_EVENT_TYPES: readonly [${events.map((e) => JSON.stringify(e.event)).join(', ')}];

/** Default-mode validators by event name: unknown properties are accepted. */
export declare const validators: Readonly<Record<${eventUnion}, CompiledValidator>>;

/** Strict-mode validators by event name: unknown properties in the envelope and \`data\` are rejected. */
export declare const strictValidators: Readonly<Record<${eventUnion}, CompiledValidator>>;
`);
