// Compares two versions of the contract and classifies every change by whom it breaks:
// senders (what they send may become invalid), receivers (what they receive may be new to them),
// or only strict-mode checks. Used by scripts/diff-contract.mjs and scripts/check-release.mjs.
import { diff as asyncapiDiff } from '@asyncapi/diff';
import { Parser, fromFile } from '@asyncapi/parser';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKED_FORMATS } from './contract.mjs';

/**
 * @typedef {{ asyncapi?: string, schemas: Record<string, object> }} Contract
 *   The contract's files: asyncapi.yaml's text (optional) and schemas/*.json by file name.
 * @typedef {{ event: string | null, path: string, change: string, before?: unknown, after?: unknown,
 *   senders: boolean, receivers: boolean, strict: boolean, notice?: true, source: 'schemas' | 'asyncapi' }} Change
 *   `notice`: breaks nobody yet but announces a breaking change to come (a deprecation).
 */

// x-pii and x-since document a field; neither changes what is valid.
const ANNOTATIONS = new Set(['description', 'title', 'examples', '$comment', '$schema', '$id', 'x-pii', 'x-since']);

/** The event schemas of a contract, by event name, with `common.json` references resolved. */
function eventSchemas(contract) {
  const common = contract.schemas['common.json']?.definitions ?? {};
  const resolve = (schema) => {
    if (Array.isArray(schema)) return schema.map(resolve);
    if (schema === null || typeof schema !== 'object') return schema;
    if (typeof schema.$ref === 'string') {
      const match = /^common\.json#\/definitions\/(.+)$/.exec(schema.$ref);
      if (match) {
        const { $ref: _ref, ...siblings } = schema;
        return resolve({ ...common[match[1]], ...siblings });
      }
    }
    return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolve(v)]));
  };
  const events = {};
  for (const schema of Object.values(contract.schemas)) {
    const event = schema?.properties?.event?.const;
    if (typeof event === 'string') events[event] = resolve(schema);
  }
  return events;
}

const typesOf = (schema) => {
  if (schema.type === undefined) return null; // any type
  const list = Array.isArray(schema.type) ? schema.type : [schema.type];
  // An integer is a number; a number type already admits every integer.
  return new Set(list.includes('number') ? [...list, 'integer'] : list);
};
const subset = (a, b) => [...a].every((x) => b.has(x));

/**
 * Classifies a change of a set of accepted values: narrower breaks senders (what they sent may be
 * rejected), wider breaks receivers (they may get what they never handled), other breaks both.
 */
const by = (narrower, wider) => ({ senders: narrower, receivers: wider, strict: false });

/** Compares two schemas of one event at `path`, pushing each change. */
function compare(before, after, path, event, out) {
  const push = (change, verdict, extra = {}) =>
    out.push({ event, path, change, ...verdict, ...extra, source: 'schemas' });

  // Annotations change no verdict.
  for (const key of ANNOTATIONS) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) push(`${key} changed`, by(false, false));
  }

  // Deprecating breaks nobody yet but is announced (a notice: the field or event will go); removing
  // it later is the breaking change, found below as a removed property or event.
  if (Boolean(before.deprecated) !== Boolean(after.deprecated)) {
    const since = after['x-deprecated-since'] ? ` since ${after['x-deprecated-since']}` : '';
    if (after.deprecated) push(`deprecated${since}`, by(false, false), { notice: true });
    else push('no longer deprecated', by(false, false));
  } else if (before['x-deprecated-since'] !== after['x-deprecated-since'])
    push('x-deprecated-since changed', by(false, false));

  const tb = typesOf(before);
  const ta = typesOf(after);
  if (JSON.stringify(tb && [...tb].sort()) !== JSON.stringify(ta && [...ta].sort())) {
    const narrower = tb === null ? true : ta === null ? false : subset(ta, tb);
    const wider = ta === null ? true : tb === null ? false : subset(tb, ta);
    push(
      `type changed from ${JSON.stringify(before.type ?? 'any')} to ${JSON.stringify(after.type ?? 'any')}`,
      narrower && !wider ? by(true, false) : wider && !narrower ? by(false, true) : by(true, true),
      { before: before.type, after: after.type },
    );
  }

  const values = (s) => ('const' in s ? [s.const] : Array.isArray(s.enum) ? s.enum : null);
  const vb = values(before);
  const va = values(after);
  if (JSON.stringify(vb) !== JSON.stringify(va)) {
    const removed =
      vb === null
        ? va !== null
        : va !== null && vb.some((v) => !va.some((w) => JSON.stringify(w) === JSON.stringify(v)));
    const added =
      va === null
        ? vb !== null
        : vb !== null && va.some((v) => !vb.some((w) => JSON.stringify(w) === JSON.stringify(v)));
    push(
      added && !removed
        ? 'allowed values added'
        : removed && !added
          ? 'allowed values removed'
          : 'allowed values changed',
      by(removed, added),
      { before: vb, after: va },
    );
  }

  for (const key of ['format', 'pattern']) {
    if (before[key] !== after[key]) {
      // A pattern beside a format the package checks only restates it for other validators
      // (scripts/lib/contract.mjs withoutRestatedPatterns): the verdict is the format's.
      const restates = key === 'pattern' && before.format === after.format && CHECKED_FORMATS.has(after.format);
      if (restates) {
        push(
          `pattern restating the ${after.format} format ${after.pattern === undefined ? 'removed' : 'set'}`,
          by(false, false),
          {
            before: before.pattern,
            after: after.pattern,
          },
        );
        continue;
      }
      push(
        `${key} ${before[key] === undefined ? 'added' : after[key] === undefined ? 'removed' : 'changed'}`,
        by(after[key] !== undefined, before[key] !== undefined),
        { before: before[key], after: after[key] },
      );
    }
  }

  for (const [key, tighterWhen] of [
    ['minLength', 1],
    ['minimum', 1],
    ['minItems', 1],
    ['exclusiveMinimum', 1],
    ['maxLength', -1],
    ['maximum', -1],
    ['maxItems', -1],
    ['exclusiveMaximum', -1],
  ]) {
    const b = before[key];
    const a = after[key];
    if (b === a) continue;
    const unbounded = tighterWhen > 0 ? -Infinity : Infinity;
    const delta = ((a ?? unbounded) - (b ?? unbounded)) * tighterWhen;
    push(
      `${key} ${b === undefined ? 'added' : a === undefined ? 'removed' : 'changed'} (${b ?? 'none'} → ${a ?? 'none'})`,
      by(delta > 0, delta < 0),
      { before: b, after: a },
    );
  }

  if (Boolean(before.uniqueItems) !== Boolean(after.uniqueItems)) {
    push(
      `uniqueItems ${after.uniqueItems ? 'added' : 'removed'}`,
      by(Boolean(after.uniqueItems), Boolean(before.uniqueItems)),
    );
  }

  const closedBefore = before.additionalProperties === false;
  const closedAfter = after.additionalProperties === false;
  if (closedBefore !== closedAfter)
    push(`additional properties ${closedAfter ? 'forbidden' : 'allowed'}`, by(closedAfter, closedBefore));

  const propsBefore = before.properties ?? {};
  const propsAfter = after.properties ?? {};
  const reqBefore = new Set(before.required ?? []);
  const reqAfter = new Set(after.required ?? []);
  for (const name of Object.keys(propsAfter)) {
    const childPath = `${path}/properties/${name}`;
    if (!(name in propsBefore)) {
      // A new required field breaks senders; a new optional one only strict checks of the old contract.
      if (reqAfter.has(name)) push(`required property "${name}" added`, by(true, false), { path: childPath });
      else
        push(
          `optional property "${name}" added`,
          { senders: false, receivers: false, strict: true },
          { path: childPath },
        );
      continue;
    }
    if (reqBefore.has(name) && !reqAfter.has(name))
      push(`property "${name}" no longer required`, by(false, true), { path: childPath });
    if (!reqBefore.has(name) && reqAfter.has(name))
      push(`property "${name}" now required`, by(true, false), { path: childPath });
    compare(propsBefore[name], propsAfter[name], childPath, event, out);
  }
  for (const name of Object.keys(propsBefore)) {
    if (!(name in propsAfter)) {
      // Receivers may rely on it; strict checks of the new contract reject senders still sending it.
      push(
        `property "${name}" removed`,
        { senders: false, receivers: true, strict: true },
        { path: `${path}/properties/${name}` },
      );
    }
  }
  if (before.items || after.items) {
    if (before.items && after.items) compare(before.items, after.items, `${path}/items`, event, out);
    else push(`items schema ${after.items ? 'added' : 'removed'}`, by(Boolean(after.items), Boolean(before.items)));
  }
}

/** Document-level changes (operations, channels, messages), from @asyncapi/diff. */
async function asyncapiChanges(before, after) {
  if (!before.asyncapi || !after.asyncapi) return [];
  const parser = new Parser();
  const parse = async (contract) => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-diff-'));
    try {
      mkdirSync(join(dir, 'schemas'));
      mkdirSync(join(dir, 'examples'));
      for (const [file, schema] of Object.entries(contract.schemas))
        writeFileSync(join(dir, 'schemas', file), JSON.stringify(schema));
      for (const [file, example] of Object.entries(contract.examples ?? {}))
        writeFileSync(join(dir, 'examples', file), JSON.stringify(example));
      writeFileSync(join(dir, 'asyncapi.yaml'), contract.asyncapi);
      const { document, diagnostics } = await fromFile(parser, join(dir, 'asyncapi.yaml')).parse();
      if (!document)
        throw new Error(
          `asyncapi.yaml does not parse: ${diagnostics
            .filter((d) => d.severity === 0)
            .map((d) => d.message)
            .join('; ')}`,
        );
      return document.json();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const result = asyncapiDiff(await parse(before), await parse(after), { outputType: 'json' });
  const changes = [];
  const seen = new Set();
  for (const item of [...result.breaking(), ...result.nonBreaking(), ...result.unclassified()]) {
    // Payloads and examples are compared schema by schema above (@asyncapi/diff leaves them
    // unclassified, once per place a message is referenced); the version number breaks nobody
    // (@asyncapi/diff calls it breaking). Only a message's or operation's own path is kept.
    if (/\/(payload|examples)(\/|$)/.test(item.path) || item.path === '/info/version') continue;
    if (/^\/(operations\/[^/]+\/(channel|messages)|channels\/[^/]+\/messages)\//.test(item.path)) continue;
    if (seen.has(item.path)) continue;
    seen.add(item.path);
    const breaking = item.type === 'breaking';
    changes.push({
      event: null,
      path: `asyncapi.yaml#${item.path}`,
      change: `${item.action} (${item.type} for @asyncapi/diff)`,
      before: item.before,
      after: item.after,
      senders: breaking,
      receivers: breaking,
      strict: false,
      source: 'asyncapi',
    });
  }
  return changes;
}

/**
 * Every change between two contracts, each with whom it breaks.
 * @param {Contract} before
 * @param {Contract} after
 * @returns {Promise<Change[]>}
 */
export async function diffContracts(before, after) {
  const out = [];
  const eb = eventSchemas(before);
  const ea = eventSchemas(after);
  for (const event of Object.keys(ea)) {
    // A new event type breaks receivers that switch exhaustively on `event`.
    if (!(event in eb))
      out.push({
        event,
        path: '',
        change: 'event added',
        senders: false,
        receivers: true,
        strict: false,
        source: 'schemas',
      });
  }
  for (const event of Object.keys(eb)) {
    if (!(event in ea)) {
      out.push({
        event,
        path: '',
        change: 'event removed',
        senders: true,
        receivers: false,
        strict: false,
        source: 'schemas',
      });
      continue;
    }
    if (event in ea) compare(eb[event], ea[event], '', event, out);
  }
  out.push(...(await asyncapiChanges(before, after)));
  return out;
}

/** Whether a change breaks anyone semver cares about (strict-only changes are additive). */
export const isBreaking = (change) => change.senders || change.receivers;

/** A change in words, for the report. */
export function describeChange(change) {
  const who = [change.senders && 'senders', change.receivers && 'receivers'].filter(Boolean);
  const verdict =
    who.length > 0
      ? `BREAKING for ${who.join(' and ')}`
      : change.strict
        ? 'breaks strict-mode checks only'
        : change.notice
          ? 'NOTICE (not breaking yet)'
          : 'not breaking';
  const where = change.event ? `${change.event}${change.path ? ` ${change.path}` : ''}` : change.path;
  return `${verdict.padEnd(34)} ${where}: ${change.change}`;
}
