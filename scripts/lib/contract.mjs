// Reads the source of truth (asyncapi.yaml and schemas/*.json) for the generation scripts.
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCHEMAS_DIR = join(ROOT, 'schemas');
export const EXAMPLES_DIR = join(ROOT, 'examples');

/** Files in schemas/ that are not one event's envelope. */
export const COMMON_SCHEMA = 'common.json';
export const UNION_SCHEMA = 'webhook-event.json';
/**
 * The stable base of every schema's `$id`: `schemas/<file>` is `${SCHEMA_ID_BASE}<file>`. The same
 * across releases (an identifier, not an address: nothing is served there), so relative `$ref`s
 * such as `common.json#/definitions/dateTime` resolve by `$id` as well as by file name.
 */
export const SCHEMA_ID_BASE = 'https://schemas.chatspark.dev/webhooks/';
/**
 * The contract's own annotation keywords: `x-pii` (personal data, with its category), `x-since` and
 * `x-deprecated-since` (the package version a field or event appeared or was deprecated in). They
 * change no verdict; Ajv, strict, is told of them (its `keywords` option) instead of turning strict
 * mode off.
 */
export const CONTRACT_KEYWORDS = ['x-pii', 'x-since', 'x-deprecated-since'];
/** The categories `x-pii` takes. */
export const PII_CATEGORIES = ['name', 'email', 'phone', 'free-text'];

/** The single-file schemas scripts/build-bundle.mjs writes into schemas/ (not sources). */
export const BUNDLE_SCHEMAS = ['bundle.json', 'bundle.strict.json'];

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Every source schema file (not the generated bundles), by file name, in a stable order. */
export function loadSchemas() {
  return readdirSync(SCHEMAS_DIR)
    .filter((f) => f.endsWith('.json') && !BUNDLE_SCHEMAS.includes(f))
    .sort()
    .map((file) => ({ file, schema: readJson(join(SCHEMAS_DIR, file)) }));
}

/**
 * The nine events in the order the union schema lists them (the reference's order), each with
 * its schema file and the names the naming rule derives from the event name.
 */
export function loadEvents() {
  const union = readJson(join(SCHEMAS_DIR, UNION_SCHEMA));
  return union.oneOf.map(({ $ref }) => {
    const schema = readJson(join(SCHEMAS_DIR, $ref));
    const event = schema.properties.event.const;
    return { event, file: $ref, schema, ...namesFor(event) };
  });
}

/**
 * The one naming rule: event `ai-action.completed` lives in `schemas/ai-action.completed.json`,
 * titled `AiActionCompletedEvent`, its `data` titled `AiActionCompletedData`; code identifiers
 * are the camelCase form `aiActionCompleted`.
 */
export function namesFor(event) {
  const words = event.split(/[.-]/);
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return {
    pascal,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    eventTitle: `${pascal}Event`,
    dataTitle: `${pascal}Data`,
  };
}

/** A property's schema with its `common.json` definition merged under its own keywords. */
function withDefinition(schema, common) {
  const match = /^common\.json#\/definitions\/(\w+)$/.exec(schema.$ref ?? '');
  if (!match) return schema;
  const { description, ...definition } = common.definitions[match[1]];
  return { ...definition, ...schema, description: schema.description ?? description };
}

/**
 * Every field of an event schema, depth first, as the docs list them: `{ path, field, required }`
 * with dotted paths (`data.email`; an array's items are `data.changes[]`) and each field's schema
 * with its shared definition merged in. The reference's rows and the site search use this one walk.
 */
export function* eventFields(schema, path = '', common = readJson(join(SCHEMAS_DIR, COMMON_SCHEMA))) {
  const required = new Set(schema.required ?? []);
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    const field = withDefinition(raw, common);
    const childPath = path ? `${path}.${name}` : name;
    yield { path: childPath, field, required: required.has(name) };
    yield* eventFields(field, childPath, common);
    if (field.items) {
      const items = withDefinition(field.items, common);
      yield { path: `${childPath}[]`, field: items, required: true };
      yield* eventFields(items, `${childPath}[]`, common);
    }
  }
}

/**
 * The strict-mode form of a schema: every object schema that lists `properties` and leaves
 * `additionalProperties` unset gets `additionalProperties: false`. Objects that set it (such as
 * `result`, explicitly open) are left alone. Returns a new schema; the input is not changed.
 */
export function toStrict(schema) {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out = { ...schema };
  for (const key of ['properties', 'definitions']) {
    if (schema[key]) out[key] = mapValues(schema[key], toStrict);
  }
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    if (schema[key]) out[key] = schema[key].map(toStrict);
  }
  if (schema.items) out.items = Array.isArray(schema.items) ? schema.items.map(toStrict) : toStrict(schema.items);
  if (schema.properties && !('additionalProperties' in schema)) out.additionalProperties = false;
  return out;
}

/**
 * What strict mode adds to a schema, alone: every object schema that lists `properties` and leaves
 * `additionalProperties` unset admits no other property. Every other keyword is dropped, so this
 * accepts whatever else is wrong (the schema itself reports that). A value passes strict mode
 * exactly when it passes the schema and this. `$ref`s into common.json are followed.
 */
export function unknownPropertiesOnly(schema, common) {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return {};
  for (const keyword of ['oneOf', 'anyOf', 'allOf', 'not', 'if', 'patternProperties', 'dependencies']) {
    if (keyword in schema)
      throw new Error(`unknownPropertiesOnly: "${keyword}" is not supported; extend scripts/lib/contract.mjs`);
  }
  if (typeof schema.$ref === 'string') {
    const name = /^common\.json#\/definitions\/(.+)$/.exec(schema.$ref)?.[1];
    if (name === undefined || !common.definitions?.[name])
      throw new Error(`unknownPropertiesOnly: cannot follow ${schema.$ref}`);
    return unknownPropertiesOnly(common.definitions[name], common);
  }
  const out = {};
  if (schema.properties) {
    out.properties = mapValues(schema.properties, (child) => unknownPropertiesOnly(child, common));
    if (!('additionalProperties' in schema)) out.additionalProperties = false;
  }
  if (schema.items) {
    if (Array.isArray(schema.items)) throw new Error('unknownPropertiesOnly: tuple `items` is not supported');
    out.items = unknownPropertiesOnly(schema.items, common);
  }
  return out;
}

function mapValues(object, fn) {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v)]));
}

// `$id` names a schema for tools that load it by that name (the package's own tools load by file
// name), so like the other annotations it has no place in compiled code.
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  'title',
  'description',
  'examples',
  '$comment',
  'deprecated',
  ...CONTRACT_KEYWORDS,
]);

/** A copy of a schema without annotation keywords, which never change a verdict. */
export function withoutAnnotations(schema) {
  if (Array.isArray(schema)) return schema.map(withoutAnnotations);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key) && typeof value !== 'object') continue;
    out[key] = withoutAnnotations(value);
  }
  return out;
}

/** The formats the package checks itself (src/formats.ts), exactly. */
export const CHECKED_FORMATS = new Set(['date-time', 'email']);

/**
 * A copy of a schema without the `pattern`s that only restate a format the package checks: the
 * schema carries them for validators whose format check is weaker (see common.json `dateTime`);
 * the package's validators check the format, which is stricter, so the pattern would only add a
 * second issue for the same fault. test/conformance.test.ts holds pattern and format to the same
 * verdict on every vector.
 */
export function withoutRestatedPatterns(schema) {
  if (Array.isArray(schema)) return schema.map(withoutRestatedPatterns);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'pattern' && CHECKED_FORMATS.has(schema.format)) continue;
    out[key] = withoutRestatedPatterns(value);
  }
  return out;
}

/** What the validators are compiled from: no annotations, no pattern that restates a checked format. */
export const forCompiling = (schema) => withoutRestatedPatterns(withoutAnnotations(schema));

/**
 * What the contract's own keywords add to a field's documentation: personal data with its category,
 * deprecation, the version a field appeared in. `jsdoc` gives tags for generated/types.d.ts
 * (`@deprecated` last, so editors strike the field through and show why; json-schema-to-typescript's
 * own `@deprecated` would come first and swallow the description); `markdown` gives the badges of
 * the docs site.
 */
export function lifecycleNotes(schema, style) {
  const pii = schema['x-pii'];
  const deprecatedSince = schema['x-deprecated-since'];
  const since = schema['x-since'];
  const notes = [];
  if (style === 'jsdoc') {
    if (pii) notes.push(`@pii ${pii} Personal data: redact it before logging (\`redactWebhookEvent\`).`);
    if (since) notes.push(`@since ${since}`);
    if (schema.deprecated === true)
      notes.push(
        `@deprecated${deprecatedSince ? ` Since ${deprecatedSince}:` : ''} it will be removed in a later release.`,
      );
  } else {
    if (pii) notes.push(`**Personal data** (\`${pii}\`)`);
    if (schema.deprecated === true) notes.push(`**Deprecated**${deprecatedSince ? ` since ${deprecatedSince}` : ''}`);
    if (since) notes.push(`**Since** ${since}`);
  }
  return notes;
}

/** A copy of a schema whose descriptions carry {@link lifecycleNotes} (jsdoc: after the text; markdown: before it). */
export function withLifecycleNotes(schema, style = 'jsdoc') {
  if (Array.isArray(schema)) return schema.map((s) => withLifecycleNotes(s, style));
  if (schema === null || typeof schema !== 'object') return schema;
  const out = Object.fromEntries(
    Object.entries(schema)
      .filter(([k]) => style !== 'jsdoc' || k !== 'deprecated') // the note carries it
      .map(([k, v]) => [k, withLifecycleNotes(v, style)]),
  );
  const notes = lifecycleNotes(schema, style);
  if (notes.length)
    out.description =
      style === 'jsdoc'
        ? [schema.description, ...notes].filter(Boolean).join('\n\n')
        : `${notes.join(' · ')}. ${schema.description ?? ''}`.trim();
  return out;
}

/**
 * The personal data of an event schema: JSON pointer of each field marked `x-pii` → its category.
 * Only fields under `properties` (the contract marks no array item and no shared definition).
 */
export function personalDataOf(schema, path = '') {
  const out = {};
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const pointer = `${path}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (child['x-pii'] !== undefined) {
      if (!PII_CATEGORIES.includes(child['x-pii']))
        throw new Error(`x-pii of ${pointer}: ${child['x-pii']} is not a category`);
      out[pointer] = child['x-pii'];
    }
    Object.assign(out, personalDataOf(child, pointer));
  }
  return out;
}

/** The header every generated file starts with. */
export function header(script, comment = '//') {
  return `${comment} Generated by ${script} from asyncapi.yaml and schemas/. Do not edit: change the source and run \`npm run generate\`.\n`;
}

/** The output folder: `--out DIR` (used by the freshness test) or the default. */
export function outDir(defaultDir) {
  const i = process.argv.indexOf('--out');
  const dir = i > 0 ? resolve(process.argv[i + 1]) : join(ROOT, defaultDir);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeOutput(dir, name, text) {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}
