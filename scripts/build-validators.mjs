// Compiles every event schema with Ajv ahead of time (standalone code) into ES modules that need
// nothing at run time, in two forms:
//
// - generated/validators-source/<event>.js (one event's compiled checks) and
//   generated/validators-source/index.js (the table of all nine): READABLE, bundled by esbuild
//   without minifying, then printed by Prettier: one statement per line, long objects broken up.
//   This is the form to review: a schema change shows here as the few lines it changes (a limit,
//   a pattern, a property), in that event's file only. Build input only (they import src/*.ts),
//   not shipped.
// - generated/validators.js (every event; the package root, dist/index.js, and the CLI,
//   dist/validate.js, both import it: one copy in the package) and generated/validators/<event>.js
//   (one event each, `@chatspark/webhooks/validators/<event>`): what ships, bundled from exactly
//   the readable text above and MINIFIED, with declaration files.
//
// Why the shipped modules stay minified: they are what a browser or a bundler receives and they
// have size budgets, measured on these files (test/entry-points.test.ts: all nine ≤ 7 KiB gzip,
// each event ≤ 4 KiB gzip). Printed readable they measure about 8.5 KiB for all nine and up to
// 5.7 KiB for one event (minified, the largest is within 40 bytes of its budget), so the readable
// form cannot ship. Their diffs are hidden from `git diff` (generated/.gitattributes: -diff), so a
// review reads the readable form.
// Run: node scripts/build-validators.mjs
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { _ } from 'ajv/dist/compile/codegen/index.js';
import * as esbuild from 'esbuild';
import * as prettier from 'prettier';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT,
  COMMON_SCHEMA,
  loadEvents,
  loadSchemas,
  personalDataOf,
  unknownPropertiesOnly,
  forCompiling,
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
const PERSONAL_DATA_MODULE = './src/personal-data.ts';
const REDACTION_MODULE = './src/redaction.ts';
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
/** How every validator module is bundled: self-contained ESM for any runtime, nothing written yet. */
const BUNDLE_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  write: false,
  legalComments: 'none',
  logLevel: 'error',
};
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
const common = forCompiling(loadSchemas().find((s) => s.file === COMMON_SCHEMA).schema);
ajv.addSchema(common, COMMON_SCHEMA);
const standalone = {}; // 'ajv:<event>' → Ajv standalone code exporting `compiled`; 'unknown:<event>' → `unknownProperties`
for (const { file, schema: annotated } of events) ajv.addSchema(forCompiling(annotated), file);

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
  unknownPropertiesAjv.addSchema(unknownPropertiesOnly(forCompiling(schema), common), file);
  standalone[`unknown:${event}`] = rewrite(standaloneCode(unknownPropertiesAjv, { unknownProperties: file }));
}

// The readable form, one module per event: its compiled schema check and its unknown-property
// check, bundled together (esbuild renames what the two share) and printed one statement per line.
// The run-time helpers stay imports of src/, so only compiled code is here.
const SOURCE_DIR = 'validators-source';
const SRC_FROM_SOURCE = '../../src/'; // src/ as seen from generated/validators-source/
const virtual = (namespace, contents, resolveDir = ROOT) => ({
  name: `virtual-${namespace}`,
  setup(build) {
    build.onResolve({ filter: new RegExp(`^${namespace}:`) }, (args) => ({ path: args.path, namespace }));
    build.onLoad({ filter: /.*/, namespace }, (args) => ({ contents: contents(args.path), loader: 'js', resolveDir }));
  },
});
// Ajv numbers the functions and constants it names (validate15, func55, schema31...) across every
// schema one Ajv instance compiles, so a schema change in one event would renumber the events after
// it. Numbered again here in the order they appear in each module, each module's names depend on its
// own event only, and a change shows in that event's file alone.
function renumber(code) {
  const names = /\b(validate|func|schema|pattern|formats|wrapper)(\d+)\b/g;
  if (/"[^"\n]*\b(validate|func|schema|pattern|formats|wrapper)\d+\b[^"\n]*"/.test(code))
    throw new Error('build-validators: a numbered Ajv name inside a string; renumbering would change it');
  const next = {};
  const mapping = new Map();
  return code.replace(names, (name, prefix) => {
    if (!mapping.has(name)) mapping.set(name, `${prefix}${(next[prefix] = (next[prefix] ?? -1) + 1)}`);
    return mapping.get(name);
  });
}
// Printed by Prettier with the repository's settings (.prettierrc): a long object (Ajv keeps the
// schema it reads error details from) breaks over lines, so a changed keyword is a line of its own.
const prettierOptions = { ...(await prettier.resolveConfig(join(ROOT, 'package.json'))), parser: 'babel' };
const readableText = (code) => prettier.format(code, prettierOptions);
const readable = {}; // module name in generated/validators-source/ (without .js) → its text
for (const { event } of events) {
  const bundle = await esbuild.build({
    stdin: {
      contents: `export { compiled } from 'ajv:${event}';\nexport { unknownProperties } from 'unknown:${event}';`,
      resolveDir: ROOT,
      loader: 'js',
    },
    ...BUNDLE_OPTIONS,
    plugins: [
      {
        name: 'src-external',
        setup(build) {
          build.onResolve({ filter: /^\.\/src\/.*\.ts$/ }, (args) => ({
            path: `${SRC_FROM_SOURCE}${args.path.slice('./src/'.length)}`,
            external: true,
          }));
        },
      },
      virtual('ajv', (path) => standalone[path]),
      virtual('unknown', (path) => standalone[path]),
    ],
  });
  readable[event] = await readableText(
    renumber(
      bundle.outputFiles[0].text
        .replace(`// ajv:ajv:${event}\n`, `// The event's schema (both modes).\n`)
        .replace(
          `// unknown:unknown:${event}\n`,
          '// Properties the contract does not define (strict mode only; see src/strict-validator.ts).\n',
        ),
    ),
  );
}
readable.index = [
  `import { strictValidator } from ${JSON.stringify(`${SRC_FROM_SOURCE}strict-validator.ts`)};`,
  ...events.map(
    (e) =>
      `import { compiled as ${e.camel}, unknownProperties as ${e.camel}Unknown } from ${JSON.stringify(`./${e.event}.js`)};`,
  ),
  '',
  `export const WEBHOOK_EVENT_TYPES = Object.freeze([\n${events.map((e) => `  ${JSON.stringify(e.event)},\n`).join('')}]);`,
  `export const validators = Object.freeze({\n  __proto__: null,\n${events.map((e) => `  ${JSON.stringify(e.event)}: ${e.camel},\n`).join('')}});`,
  // Personal data (x-pii) by event: what src/redact.ts replaces and src/issues.ts never quotes.
  `export const PERSONAL_DATA = Object.freeze({\n  __proto__: null,\n${events
    .filter((e) => Object.keys(personalDataOf(e.schema)).length)
    .map((e) => `  ${JSON.stringify(e.event)}: Object.freeze(${JSON.stringify(personalDataOf(e.schema))}),\n`)
    .join('')}});`,
  `export const strictValidators = Object.freeze({\n  __proto__: null,\n${events.map((e) => `  ${JSON.stringify(e.event)}: strictValidator(${e.camel}, ${e.camel}Unknown),\n`).join('')}});`,
  '',
].join('\n');
readable.index = await readableText(readable.index);
rmSync(join(dir, SOURCE_DIR), { recursive: true, force: true }); // no stale module stays behind
for (const [name, text] of Object.entries(readable))
  writeOutput(
    dir,
    `${SOURCE_DIR}/${name}.js`,
    `${header(SCRIPT)}// Readable form, for review; not shipped. ${name === 'index' ? 'generated/validators.js is' : `generated/validators.js and generated/validators/${name}.js are`} minified from it.\n\n${text}`,
  );

// What ships: the whole table (what the package root and the CLI use), and one module per event
// (what `@chatspark/webhooks/validators/<event>` serves), each bundled from the readable text.
const entries = { validators: "export * from 'source:index';" };
for (const { event, schema } of events) {
  // An event with personal data words its issues without quoting it (src/event-validator.ts
  // withPersonalData, src/personal-data.ts); the others do not carry that code (their size budget has no room for it).
  const personal = personalDataOf(schema);
  const hasPersonal = Object.keys(personal).length > 0;
  entries[`validators/${event}`] = [
    `import { compiled, unknownProperties } from 'source:${event}';`,
    `import { strictValidator } from ${JSON.stringify(STRICT_VALIDATOR_MODULE)};`,
    `import { createEventValidator } from ${JSON.stringify(EVENT_VALIDATOR_MODULE)};`,
    ...(hasPersonal ? [`import { withPersonalData } from ${JSON.stringify(PERSONAL_DATA_MODULE)};`] : []),
    `const validator = ${hasPersonal ? 'withPersonalData(' : ''}createEventValidator(${JSON.stringify(event)}, compiled, strictValidator(compiled, unknownProperties))${hasPersonal ? `, ${JSON.stringify(personal)})` : ''};`,
    `import { redactWith } from ${JSON.stringify(REDACTION_MODULE)};`,
    `export const event = ${JSON.stringify(event)};`,
    'export const validate = validator.validate;',
    'export const isValid = validator.isValid;',
    // A function declaration: a bundle that only validates drops it (the size budget is that bundle's).
    `export function redactWebhookEvent(input, options) { return redactWith({ fields: { [event]: ${JSON.stringify(personal)} }, known: (name) => name === event }, input, options); }`,
  ].join('\n');
}

// Bundle each entry on its own, so each module needs nothing at run time (no `require`, no ajv,
// no node_modules, no other file) and a bundler that imports one event carries that event only.
// The readable modules are read from memory (what was just written), as if they sat in
// generated/validators-source/: their `./<event>.js` imports are one another, `../../src/` is src/.
const sourcePlugin = {
  name: 'validators-source',
  setup(build) {
    build.onResolve({ filter: /^\.\/[^/]+\.js$/, namespace: 'source' }, (args) => ({
      path: `source:${args.path.slice(2, -3)}`,
      namespace: 'source',
    }));
  },
};
rmSync(join(dir, 'validators'), { recursive: true, force: true }); // no stale module stays behind
for (const name of Object.keys(entries)) {
  const bundle = await esbuild.build({
    entryPoints: [`entry:${name}`],
    absWorkingDir: ROOT,
    ...BUNDLE_OPTIONS,
    minify: true, // what ships, under a size budget (see the top of this file)
    banner: { js: header(SCRIPT) },
    plugins: [
      sourcePlugin,
      virtual('entry', (path) => entries[path.slice('entry:'.length)]),
      virtual('source', (path) => readable[path.slice('source:'.length)], join(ROOT, 'generated', SOURCE_DIR)),
    ],
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
import type { RedactWebhookEvent } from '../../dist/redaction.js';

/** The event this module validates. */
export declare const event: ${JSON.stringify(event)};

/**
 * Checks that \`input\` is a \`${event}\` event; in strict mode also that it has no property the
 * contract does not define. Never throws; issues are worded as by \`validateWebhookEvent\`.
 */
export declare function validate(input: unknown, options?: { strict?: boolean }): EventValidationResult<${eventTitle}>;

/** True when \`input\` is a \`${event}\` event; narrows its type. */
export declare function isValid(input: unknown, options?: { strict?: boolean }): input is ${eventTitle};

/**
 * A copy of a \`${event}\` event safe to log, as the package root's \`redactWebhookEvent\` makes it:
 * every field marked \`x-pii\` replaced (\`"[redacted]"\`, \`{ keep: 'last4' }\`, or a keyed hash
 * with \`{ hmacKey }\`, asynchronous). Any other event loses its whole \`data\` (this module knows
 * only its own event's fields). A bundle that only validates does not carry it.
 */
export declare const redactWebhookEvent: RedactWebhookEvent;
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

/** The fields marked \`x-pii\` by event (events without any are absent): JSON pointer → category. */
export declare const PERSONAL_DATA: Readonly<Partial<Record<${eventUnion}, Readonly<Record<string, 'name' | 'email' | 'phone' | 'free-text'>>>>>;

/** Strict-mode validators by event name: unknown properties in the envelope and \`data\` are rejected. */
export declare const strictValidators: Readonly<Record<${eventUnion}, CompiledValidator>>;
`,
);
