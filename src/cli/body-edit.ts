/**
 * `send --set path=value` and `--unset path`: edits of a payload by dotted path (numeric segments
 * index arrays), checked against the event's schema before anything is sent.
 */
import { UsageError } from './args.js';
import { loadSchema } from './assets.js';
import { nearest } from './format.js';

/** One edit: set a path to a JSON value, or remove it. */
export type Edit = { path: string[]; text: string; value: unknown } | { path: string[]; text: string; unset: true };

interface SchemaNode {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  type?: string | string[];
}

/** `--set data.email=x` → an edit; the value is JSON when it parses, else the text as a string. */
export function parseSet(option: string): Edit {
  const equals = option.indexOf('=');
  if (equals < 1)
    throw new UsageError(`--set must look like "path=value" (data.email=x@example.com), got "${option}".`);
  const raw = option.slice(equals + 1);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  const text = option.slice(0, equals);
  return { path: pathOf(text), text, value };
}

export function parseUnset(option: string): Edit {
  return { path: pathOf(option), text: option, unset: true };
}

function pathOf(text: string): string[] {
  const path = text.split('.');
  if (path.some((segment) => segment === ''))
    throw new UsageError(`Not a path: "${text}" (use dotted names: data.email).`);
  return path;
}

/** Follows a local or common.json `$ref` (the contract's schemas use no other kind). */
function resolve(node: SchemaNode, event: string): SchemaNode {
  if (node.$ref === undefined) return node;
  const [file, pointer] = node.$ref.split('#');
  let target: unknown = loadSchema(file === '' || file === undefined ? `${event}.json` : file);
  for (const key of (pointer ?? '').split('/').filter(Boolean)) target = (target as Record<string, unknown>)[key];
  const merged: SchemaNode = { ...(target as SchemaNode), ...node };
  delete merged.$ref;
  return merged;
}

/** Whether the schema defines `path` (below an open object, any path is defined). */
function defines(schema: SchemaNode, path: string[], event: string): boolean {
  let node = resolve(schema, event);
  for (const segment of path) {
    if (node.items !== undefined && /^\d+$/.test(segment)) node = resolve(node.items, event);
    else if (node.properties?.[segment] !== undefined) node = resolve(node.properties[segment], event);
    else if (node.additionalProperties === true || typeof node.additionalProperties === 'object') return true;
    else return false;
  }
  return true;
}

/** Every path the schema defines, dotted (arrays as index 0), for suggestions. */
function definedPaths(schema: SchemaNode, event: string, prefix = '', out: string[] = []): string[] {
  const node = resolve(schema, event);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    out.push(path);
    definedPaths(child, event, path, out);
  }
  if (node.items !== undefined) definedPaths(node.items, event, `${prefix}.0`, out);
  return out;
}

/**
 * Refuses (exit 2) an edit whose path the event's schema does not define, naming the nearest
 * defined paths, unless `allowUnknown`.
 */
export function checkEdits(event: string, edits: Edit[], allowUnknown: boolean): void {
  if (allowUnknown) return;
  const schema = loadSchema(`${event}.json`) as SchemaNode;
  for (const edit of edits) {
    if (defines(schema, edit.path, event)) continue;
    const close = nearest(edit.text, definedPaths(schema, event), 3);
    const hint = close.length > 0 ? ` Nearest defined paths: ${close.join(', ')}.` : '';
    throw new UsageError(
      `${'unset' in edit ? '--unset' : '--set'} ${edit.text}: ${event} defines no such path.${hint} Pass --allow-unknown to send it anyway.`,
    );
  }
}

/** A copy of `payload` with the edits applied in order (missing objects on the way are created). */
export function applyEdits(payload: unknown, edits: Edit[]): unknown {
  const copy = structuredClone(payload) as Record<string, unknown>;
  for (const edit of edits) {
    let node: Record<string, unknown> = copy;
    for (const [i, segment] of edit.path.slice(0, -1).entries()) {
      const next = ownValue(node, segment, edit);
      if (next === null || typeof next !== 'object')
        put(node, segment, /^\d+$/.test(edit.path[i + 1]!) ? [] : {}, edit);
      node = node[segment] as Record<string, unknown>;
    }
    const last = edit.path[edit.path.length - 1]!;
    if (!('unset' in edit)) put(node, last, edit.value, edit);
    else if (Array.isArray(node) && /^\d+$/.test(last)) node.splice(Number(last), 1);
    else if (Object.hasOwn(node, last)) delete node[last];
  }
  return copy;
}

/** A property of the payload itself, never one inherited (`__proto__`, `constructor`). */
function ownValue(node: Record<string, unknown>, key: string, edit: Edit): unknown {
  checkIndex(node, key, edit);
  return Object.hasOwn(node, key) ? node[key] : undefined;
}

/**
 * Sets an own property: `__proto__` becomes a key of the body like any other (an assignment would
 * change the object's prototype instead, and the edit would not reach the body).
 */
function put(node: Record<string, unknown>, key: string, value: unknown, edit: Edit): void {
  checkIndex(node, key, edit);
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

/** An array index may replace an item or append one, not open a gap (a sparse array of nulls). */
function checkIndex(node: Record<string, unknown>, key: string, edit: Edit): void {
  if (Array.isArray(node) && /^\d+$/.test(key) && Number(key) > node.length)
    throw new UsageError(
      `${'unset' in edit ? '--unset' : '--set'} ${edit.path.join('.')}: index ${key} is past the end of the array (length ${node.length}).`,
    );
}
