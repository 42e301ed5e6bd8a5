// Single-field mutations that break exactly one rule of the contract, derived from the schemas,
// for the property tests: each names the JSON pointer of the field it breaks.
import { readJson } from '../helpers.js';

type Schema = Record<string, any>;

export interface Mutation {
  /** JSON pointer of the mutated field; every issue must be at or under it. */
  path: string;
  /** What rule it breaks, for the failure message. */
  description: string;
  /** Only a strict-mode violation (an unknown property). */
  strictOnly: boolean;
  apply(payload: any): void;
}

const common = readJson<Schema>('schemas/common.json');

function resolve(schema: Schema): Schema {
  if (typeof schema.$ref !== 'string') return schema;
  const name = /^common\.json#\/definitions\/(.+)$/.exec(schema.$ref)![1]!;
  const { $ref: _ref, ...siblings } = schema;
  return { ...common.definitions[name], ...siblings };
}

function tokens(path: string): string[] {
  return path === ''
    ? []
    : path
        .slice(1)
        .split('/')
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Sets (or, with `remove`, deletes) the value at a JSON pointer. */
function setAt(root: any, path: string, value: unknown, remove = false): void {
  const parts = tokens(path);
  let target = root;
  for (const part of parts.slice(0, -1)) target = target[part];
  const last = parts.at(-1)!;
  if (remove) delete target[last];
  else target[last] = value;
}

const WRONG_TYPE_VALUES: [string, unknown][] = [
  ['string', 'a string'],
  ['integer', 42],
  ['number', 1.5],
  ['boolean', true],
  ['null', null],
  ['object', { a: 1 }],
  ['array', [1]],
];

/** Every single-rule mutation the schema allows for `value` at `path`. */
function collect(raw: Schema, value: unknown, path: string, out: Mutation[]): void {
  const schema = resolve(raw);
  const types: string[] = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const push = (description: string, apply: (payload: any) => void, strictOnly = false, at = path) =>
    out.push({ path: at, description, strictOnly, apply });

  if (types.length > 0) {
    // A value of a type the field does not allow (an integer is also a number, so not for `number`).
    for (const [type, wrong] of WRONG_TYPE_VALUES) {
      const allowed = types.includes(type) || (type === 'integer' && types.includes('number'));
      if (!allowed) push(`${path} set to a ${type}`, (p) => setAt(p, path, structuredClone(wrong)));
    }
  }
  if ('const' in schema) push(`${path} set to another constant`, (p) => setAt(p, path, 'unknown.event'));
  if (Array.isArray(schema.enum)) push(`${path} set outside its enum`, (p) => setAt(p, path, 'not-one-of-them'));
  if (typeof value === 'string') {
    if (schema.format === 'date-time')
      push(`${path} set to 30 February`, (p) => setAt(p, path, '2026-02-30T12:00:00Z'));
    if (schema.format === 'email') push(`${path} set to a non-address`, (p) => setAt(p, path, 'jane@'));
    if (typeof schema.pattern === 'string')
      push(`${path} given a space`, (p) => setAt(p, path, `${value.slice(0, 10)} x`));
    if (typeof schema.maxLength === 'number')
      push(`${path} made too long`, (p) => setAt(p, path, 'a'.repeat(schema.maxLength + 1)));
    if (typeof schema.minLength === 'number' && schema.minLength > 0)
      push(`${path} emptied`, (p) => setAt(p, path, ''));
  }
  if (typeof value === 'number' && typeof schema.minimum === 'number')
    push(`${path} below its minimum`, (p) => setAt(p, path, schema.minimum - 1));
  if (Array.isArray(value)) {
    if (schema.uniqueItems && value.length > 0)
      push(`${path} given a duplicate item`, (p) => setAt(p, path, [...value, value[0]]));
    if (schema.items && value.length > 0) collect(schema.items, value[0], `${path}/0`, out);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && schema.properties) {
    const required = new Set<string>(schema.required ?? []);
    for (const [name, child] of Object.entries<Schema>(schema.properties)) {
      const childPath = `${path}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!(name in (value as object))) continue;
      if (required.has(name))
        push(`${childPath} removed`, (p) => setAt(p, childPath, undefined, true), false, childPath);
      collect(child, (value as Record<string, unknown>)[name], childPath, out);
    }
    if (schema.additionalProperties === undefined) {
      push(`${path}/unknownField added`, (p) => setAt(p, `${path}/unknownField`, 1), true, `${path}/unknownField`);
    }
  }
}

/** The mutations of a valid payload of `event` (a strict payload, so every field is there). */
export function mutationsOf(event: string, payload: unknown): Mutation[] {
  const out: Mutation[] = [];
  collect(readJson<Schema>('schemas', `${event}.json`), payload, '', out);
  // Replacing the whole payload is the envelope's business (tested apart), not a field's.
  return out.filter((m) => m.path !== '');
}
