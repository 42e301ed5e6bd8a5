// Compiles every event schema with Ajv ahead of time (standalone code) into ES modules that need
// nothing at run time: generated/validators.js (every event, for the package root) and
// generated/validators/<event>.js (one event each), sharing chunks, with declaration files.
// Run: node scripts/build-validators.mjs
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { _ } from 'ajv/dist/compile/codegen/index.js';
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT,
  COMMON_SCHEMA,
  loadEvents,
  loadSchemas,
  unknownPropertiesOnly,
  withoutAnnotations,
  header,
  outDir,
  writeOutput,
} from './lib/contract.mjs';
import {
  AJV_OPTIONS,
  assertOwnPropertiesOnly,
  dropSchemaPaths,
  importLengthHelper,
  keepOnlyErrorData,
  shareOwnPropertyTests,
  shortCircuitLengthChecks,
  stopAtErrorCap,
  uniqueItemsByHelper,
} from './lib/validator-rewrites.mjs';

const SCRIPT = 'scripts/build-validators.mjs';
const FORMATS_MODULE = './src/formats.ts';
const ISSUES_MODULE = './src/issues.ts';
const EVENT_VALIDATOR_MODULE = './src/event-validator.ts';
const STRICT_VALIDATOR_MODULE = './src/strict-validator.ts';
const dir = outDir('generated');

// The format checks, loaded from src/formats.ts, so Ajv knows the formats while compiling, and the
// number of issues the runtime reports (src/issues.ts), where the compiled code stops collecting.
const sourceBundle = await esbuild.build({
  stdin: {
    contents: `export { formats } from ${JSON.stringify(FORMATS_MODULE)}; export { MAX_ISSUES } from ${JSON.stringify(ISSUES_MODULE)};`,
    resolveDir: ROOT,
    loader: 'js',
  },
  bundle: true,
  format: 'esm',
  write: false,
  logLevel: 'error',
});
const { formats, MAX_ISSUES } = await import(
  `data:text/javascript,${encodeURIComponent(sourceBundle.outputFiles[0].text)}`
);
if (!Number.isInteger(MAX_ISSUES) || MAX_ISSUES < 1) throw new Error(`build-validators: MAX_ISSUES is ${MAX_ISSUES}`);

const OPTIONS = { ...AJV_OPTIONS, code: { source: true, esm: true, formats: _`formats` } };
const ajv = new Ajv(OPTIONS);
for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
// Strict mode = the schema and "no property it does not define". The second part is compiled on
// its own (a few lines per event) and combined at run time by src/strict-validator.ts, instead of
// compiling every schema twice: half the shipped code, so half the load time. Its schemas have
// `properties` without `type` on purpose (a wrong type is the schema's to report).
const unknownPropertiesAjv = new Ajv({ ...OPTIONS, strictTypes: false });

const events = loadEvents();
// Annotations do not change a verdict; compiling without them keeps them out of the shipped code.
const common = withoutAnnotations(loadSchemas().find((s) => s.file === COMMON_SCHEMA).schema);
ajv.addSchema(common, COMMON_SCHEMA);
const standalone = {}; // 'ajv:<event>' → Ajv standalone code exporting `compiled`; 'unknown:<event>' → `unknownProperties`
for (const { file, schema: annotated } of events) ajv.addSchema(withoutAnnotations(annotated), file);

// Ajv's standalone code, rewritten where it falls short (each rewrite checks the code still has the
// shape it expects and stops the build otherwise; see scripts/lib/validator-rewrites.mjs): own
// properties only (checked), a duplicate search that sees every string, length limits settled by `.length`
// first, the code-point counter imported, collecting stops at MAX_ISSUES errors, a required
// property's own-property test made once, errors carry their value only.
const rewrite = (code) =>
  dropSchemaPaths(
    keepOnlyErrorData(
      shareOwnPropertyTests(
        stopAtErrorCap(
          importLengthHelper(
            shortCircuitLengthChecks(uniqueItemsByHelper(assertOwnPropertiesOnly(code), 'duplicateIndex')),
            'codePointLength',
          ),
          MAX_ISSUES,
        ),
      ),
    ),
  );
for (const { event, file, schema } of events) {
  standalone[`ajv:${event}`] =
    `import { formats, codePointLength, duplicateIndex } from ${JSON.stringify(FORMATS_MODULE)};\n${rewrite(
      standaloneCode(ajv, { compiled: file }),
    )}`;
  unknownPropertiesAjv.addSchema(unknownPropertiesOnly(withoutAnnotations(schema), common), file);
  standalone[`unknown:${event}`] = rewrite(standaloneCode(unknownPropertiesAjv, { unknownProperties: file }));
}

// Entry points: the whole table (what the package root uses), and one module per event (what
// `@chatspark/webhooks/validators/<event>` serves).
const entries = {
  validators: [
    `import { strictValidator } from ${JSON.stringify(STRICT_VALIDATOR_MODULE)};`,
    ...events.map(
      (e) =>
        `import { compiled as ${e.camel} } from 'ajv:${e.event}';\nimport { unknownProperties as ${e.camel}Unknown } from 'unknown:${e.event}';`,
    ),
    `export const WEBHOOK_EVENT_TYPES = Object.freeze(${JSON.stringify(events.map((e) => e.event))});`,
    `export const validators = Object.freeze({ __proto__: null, ${events.map((e) => `${JSON.stringify(e.event)}: ${e.camel}`).join(', ')} });`,
    `export const strictValidators = Object.freeze({ __proto__: null, ${events.map((e) => `${JSON.stringify(e.event)}: strictValidator(${e.camel}, ${e.camel}Unknown)`).join(', ')} });`,
  ].join('\n'),
};
for (const { event } of events) {
  entries[`validators/${event}`] = [
    `import { compiled } from 'ajv:${event}';`,
    `import { unknownProperties } from 'unknown:${event}';`,
    `import { strictValidator } from ${JSON.stringify(STRICT_VALIDATOR_MODULE)};`,
    `import { createEventValidator } from ${JSON.stringify(EVENT_VALIDATOR_MODULE)};`,
    `const validator = createEventValidator(${JSON.stringify(event)}, compiled, strictValidator(compiled, unknownProperties));`,
    `export const event = ${JSON.stringify(event)};`,
    'export const validate = validator.validate;',
    'export const isValid = validator.isValid;',
  ].join('\n');
}

// Bundle each entry on its own, so each module needs nothing at run time (no `require`, no ajv,
// no node_modules, no other file) and a bundler that imports one event carries that event only.
const plugin = {
  name: 'virtual-modules',
  setup(build) {
    build.onResolve({ filter: /^entry:/ }, (args) => ({ path: args.path.slice('entry:'.length), namespace: 'entry' }));
    build.onLoad({ filter: /.*/, namespace: 'entry' }, (args) => ({
      contents: entries[args.path],
      loader: 'js',
      resolveDir: ROOT,
    }));
    build.onResolve({ filter: /^(ajv|unknown):/ }, (args) => ({ path: args.path, namespace: 'ajv' }));
    build.onLoad({ filter: /.*/, namespace: 'ajv' }, (args) => ({
      contents: standalone[args.path],
      loader: 'js',
      resolveDir: ROOT,
    }));
  },
};
rmSync(join(dir, 'validators'), { recursive: true, force: true }); // no stale module stays behind
for (const name of Object.keys(entries)) {
  const bundle = await esbuild.build({
    entryPoints: [`entry:${name}`],
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
    plugins: [plugin],
  });
  writeOutput(dir, `${name}.js`, bundle.outputFiles[0].text);
}

for (const { event, eventTitle } of events) {
  writeOutput(
    dir,
    `validators/${event}.d.ts`,
    `${header(SCRIPT)}
import type { ${eventTitle} } from '../types.js';
import type { EventValidationResult } from '../../dist/event-validator.js';

/** The event this module validates. */
export declare const event: ${JSON.stringify(event)};

/**
 * Checks that \`input\` is a \`${event}\` event; in strict mode also that it has no property the
 * contract does not define. Never throws; issues are worded as by \`validateWebhookEvent\`.
 */
export declare function validate(input: unknown, options?: { strict?: boolean }): EventValidationResult<${eventTitle}>;

/** True when \`input\` is a \`${event}\` event; narrows its type. */
export declare function isValid(input: unknown, options?: { strict?: boolean }): input is ${eventTitle};
`,
  );
}

const eventUnion = events.map((e) => JSON.stringify(e.event)).join(' | ');
writeOutput(
  dir,
  'validators.d.ts',
  `${header(SCRIPT)}
/** One Ajv error, as the compiled validators report it (without Ajv's \`schemaPath\`, which nothing reads). */
export interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  /** The value the error is about (for \`required\` and \`additionalProperties\`, the object). */
  data?: unknown;
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
`,
);
