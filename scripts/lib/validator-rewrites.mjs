// The Ajv options the validators are compiled with, and the checked rewrites
// scripts/build-validators.mjs applies to Ajv's standalone code. Each rewrite counts the sites it
// expects and throws when Ajv's output stops looking like it (after an Ajv upgrade, say), so the
// build fails loudly instead of shipping code that is silently not rewritten.

import { CONTRACT_KEYWORDS } from './contract.mjs';

/** Compile options shared by the build and the tests' run-time reference (no code generation options). */
export const AJV_OPTIONS = Object.freeze({
  allErrors: true, // all of the matched event's errors, in document order, up to the cap (see stopAtErrorCap)
  verbose: true, // each error carries the value it is about (see keepOnlyErrorData)
  strict: true,
  strictRequired: false,
  keywords: CONTRACT_KEYWORDS, // annotations (x-pii, x-since, ...): known to Ajv, so strict mode stays on
  messages: false, // src/issues.ts writes the messages, from keyword and params
  // Only own properties count, for every keyword: `required` and `properties` test
  // hasOwnProperty, `additionalProperties` walks Object.keys (see assertOwnPropertiesOnly).
  ownProperties: true,
});

function rewriteError(name, message) {
  return new Error(
    `build-validators (${name}): ${message}; Ajv's output changed shape, see scripts/lib/validator-rewrites.mjs`,
  );
}

/**
 * Ajv counts code points (`ucs2length(s) > 255`) on every string with a length limit, a loop over
 * the whole string. A string has at least half as many code points as UTF-16 units and at most as
 * many, so `.length` settles most comparisons first; the count runs only where it can change the
 * verdict. Same verdicts.
 */
export function shortCircuitLengthChecks(code) {
  const helper = /const (func\d+) = require\("ajv\/dist\/runtime\/ucs2length"\)\.default;/.exec(code)?.[1];
  if (helper === undefined) return code;
  const calls = code.split(`${helper}(`).length - 1;
  let rewritten = 0;
  const out = code.replace(
    new RegExp(`\\b${helper}\\((data\\d*)\\) ([<>]) (\\d+)\\b`, 'g'),
    (_match, data, op, limit) => {
      rewritten++;
      // More than twice the limit in UTF-16 units is more than the limit in code points: a
      // megabyte string is not counted to learn that it is longer than 255.
      return op === '>'
        ? `(${data}.length > ${limit} && (${data}.length > ${2 * Number(limit)} || ${helper}(${data}) > ${limit}))`
        : `(${data}.length < ${2 * Number(limit)} && ${helper}(${data}) < ${limit})`;
    },
  );
  if (rewritten !== calls) throw rewriteError('length checks', `rewrote ${rewritten} of ${calls} length checks`);
  return out;
}

/**
 * With `verbose`, every error carries `data` (the value it is about, so the issue can quote it
 * without walking the payload again) and also `schema` and `parentSchema`, which nothing reads and
 * which would add a third to the shipped size. Those two go.
 */
export function keepOnlyErrorData(code) {
  const sites = code.split('parentSchema:').length - 1;
  let rewritten = 0;
  const out = code.replace(/,schema:[^,{}]+,parentSchema:[^,{}]+,data(:data\d+)?\}/g, (_match, data) => {
    rewritten++;
    return `,data${data ?? ''}}`;
  });
  if (rewritten !== sites || sites === 0)
    throw rewriteError('verbose errors', `rewrote ${rewritten} of ${sites} verbose errors`);
  return out;
}

const count = (code, text) => code.split(text).length - 1;

/**
 * Every error carries `schemaPath`, the place in the schema that failed: nothing reads it (issues
 * are worded from keyword, params and instancePath), and it is a long string per error site, so
 * it goes. Each error object must have exactly one.
 */
export function dropSchemaPaths(code) {
  const errors = count(code, 'keyword:');
  let rewritten = 0;
  const out = code.replace(/,schemaPath:"(?:[^"\\]|\\.)*",keyword:/g, () => {
    rewritten++;
    return ',keyword:';
  });
  if (rewritten !== errors || out.includes('schemaPath'))
    throw rewriteError('schema paths', `removed ${rewritten} schemaPath fields for ${errors} errors`);
  return out;
}

/**
 * Ajv's standalone code loads its code-point counter with `require("ajv/dist/runtime/ucs2length")`,
 * which an ES module cannot run and which makes a bundler wrap the formats module in CommonJS
 * interop code (about a sixth of a per-event bundle). The counter becomes `name`, a binding the
 * module imports itself (src/formats.ts's codePointLength, the same count). Any other `require`
 * stops the build.
 */
export function importLengthHelper(code, name) {
  const out = code.replace(
    /const (func\d+) = require\("ajv\/dist\/runtime\/ucs2length"\)\.default;/g,
    (_match, helper) => `const ${helper} = ${name};`,
  );
  if (out.includes('require('))
    throw rewriteError('require', `a require() is left: ${/.{0,40}require\(.{0,60}/.exec(out)?.[0]}`);
  return out;
}

/**
 * Ajv's `uniqueItems` for strings keeps the indices seen in a plain object, `{}`: `"__proto__"` then
 * reads Object.prototype (not a number) and assigning a number to it does nothing, so
 * `["__proto__", "__proto__"]` passes. Its loop (items from the end, strings only, stop at the
 * first repeat) is replaced by a call to `helper` (src/formats.ts's duplicateIndex: the same
 * search with a table that has no such flaw, fast on arrays of any size), which returns the index
 * of that repeat or -1; Ajv's `j`, the index of the later occurrence, is then found with
 * `indexOf` (exactly one later occurrence was seen before the loop stopped). Every uniqueItems
 * check must have this shape; another (such as Ajv's deep-equal loop) stops the build.
 */
export function uniqueItemsByHelper(code, helper) {
  const fail = (message) => rewriteError('uniqueItems tables', message);
  const sites = count(code, 'keyword:"uniqueItems"');
  const tables = [...code.matchAll(/const (indices\d+) = \{\};/g)].map((m) => m[1]);
  if (tables.length !== sites) throw fail(`found ${tables.length} plain-object tables for ${sites} uniqueItems checks`);
  let out = code;
  for (const table of tables) {
    const at = out.indexOf(`const ${table} = {};`);
    const loop = new RegExp(
      `^const ${table} = \\{\\};for\\(;(i\\d+)--;\\)\\{let (item\\d+) = (data\\d*)\\[\\1\\];` +
        `if\\(typeof \\2 !== "string"\\)\\{continue;\\}` +
        `if\\(typeof ${table}\\[\\2\\] == "number"\\)\\{(j\\d+) = ${table}\\[\\2\\];`,
    ).exec(out.slice(at));
    if (loop === null) throw fail(`the loop around ${table} has another shape`);
    const [head, index, item, array, j] = loop;
    const write = `${table}[${item}] = ${index};`;
    if (count(out, write) !== 1) throw fail(`${table} is written ${count(out, write)} times`);
    // `for` with a body that always ends in `break`: Ajv's own `break;` after the error still works.
    out =
      out.slice(0, at) +
      `for(${index} = ${helper}(${array});${index} >= 0;){let ${item} = ${array}[${index}];` +
      `{${j} = ${array}.indexOf(${item}, ${index} + 1);` +
      out.slice(at + head.length).replace(write, '');
    if (new RegExp(`\\b${table}\\b`).test(out)) throw fail(`${table} is used in another way`);
  }
  return out;
}

/**
 * With `ownProperties`, Ajv tests each property it reads with hasOwnProperty, so a value on the
 * prototype (or a polluted Object.prototype) neither satisfies `required` nor is validated, and
 * `additionalProperties` walks `Object.keys`. This checks every presence test in the code is paired
 * with its hasOwnProperty test and no `for…in` loop is left; returns the code unchanged.
 */
export function assertOwnPropertiesOnly(code) {
  const helper = /const (func\d+) = Object\.prototype\.hasOwnProperty;/.exec(code)?.[1];
  const fail = (message) => rewriteError('own properties', message);
  if (/for\s*\(\s*const \w+ in /.test(code)) throw fail('a for…in loop reads inherited properties');
  const reads = /\b(data\d*)(?:\.([A-Za-z_$][\w$]*)|\[("(?:[^"\\]|\\.)*")\]) ([!=]==) undefined/g;
  for (const match of code.matchAll(reads)) {
    const [text, object, name, quoted, op] = match;
    if (helper === undefined) throw fail(`${text} is not checked for an own property`);
    const key = quoted ?? JSON.stringify(name);
    const guard =
      op === '===' ? `) || (!(${helper}.call(${object}, ${key})))` : ` && ${helper}.call(${object}, ${key})`;
    if (!code.startsWith(guard, match.index + text.length))
      throw fail(`${text} is not followed by its own-property test`);
  }
  return code;
}

/**
 * With `ownProperties`, a required property is tested for being an own property twice: by
 * `required` (missing?) and again by `properties` (validate it?), a built-in call each, a fifth of
 * the time of a valid event. The first test's answer is kept in a variable (`own0`…) and the second
 * reads it. Only where both tests are in the same block, the first before the second, so the
 * first has always run when the second is reached (or the function has stopped); elsewhere the
 * code is left as it is.
 */
export function shareOwnPropertyTests(code) {
  const helper = /const (func\d+) = Object\.prototype\.hasOwnProperty;/.exec(code)?.[1];
  if (helper === undefined) return code;
  const fail = (message) => rewriteError('shared own-property tests', message);
  const find = (pattern) => {
    const found = new Map();
    for (const m of code.matchAll(pattern)) {
      const key = `${m[1]}.${m[2]}`;
      found.set(key, found.has(key) ? null : { index: m.index, text: m[0], object: m[1], name: m[2] });
    }
    return found;
  };
  const required = find(
    new RegExp(
      `if\\(\\((data\\d*)\\.([A-Za-z_$][\\w$]*) === undefined\\) \\|\\| \\(!\\(${helper}\\.call\\(\\1, "\\2"\\)\\)\\)\\)\\{`,
      'g',
    ),
  );
  const guards = find(
    new RegExp(`if\\((data\\d*)\\.([A-Za-z_$][\\w$]*) !== undefined && ${helper}\\.call\\(\\1, "\\2"\\)\\)\\{`, 'g'),
  );
  const edits = [];
  for (const [key, req] of required) {
    const guard = guards.get(key);
    if (!req || !guard || guard.index < req.index) continue;
    // Same block: braces (outside string literals) balance between the two, never closing it.
    const between = code.slice(req.index, guard.index).replace(/"(?:[^"\\]|\\.)*"/g, '""');
    let depth = 0;
    let outside = false;
    for (const c of between) {
      if (c === '{') depth++;
      else if (c === '}' && --depth < 0) outside = true;
    }
    if (outside || depth !== 0) continue;
    const own = `own${edits.length / 2}`;
    const test = `${req.object}.${req.name} !== undefined && ${helper}.call(${req.object}, "${req.name}")`;
    edits.push({ index: req.index, length: req.text.length, text: `if(!(${own} = ${test})){`, own });
    edits.push({ index: guard.index, length: guard.text.length, text: `if(${own}){` });
  }
  if (edits.length === 0) return code;
  const start = 'let vErrors = null;let errors = 0;';
  if (count(code, start) !== 1) throw fail('the validating function does not start as expected');
  let out = code;
  for (const edit of edits.sort((a, b) => b.index - a.index))
    out = out.slice(0, edit.index) + edit.text + out.slice(edit.index + edit.length);
  const names = edits
    .filter((e) => e.own)
    .map((e) => e.own)
    .sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  return out.replace(start, `${start}let ${names.join(', ')};`);
}

const CAP_LABEL = 'capped';

/**
 * Ajv with `allErrors` collects every error before the caller can cap the list: an array of 350,000
 * invalid items builds 350,000 error objects. The runtime reports only the first `max` (MAX_ISSUES
 * of src/issues.ts), so the validating function stops as soon as it has that many: each
 * `errors++` after an error is pushed becomes "stop at the cap" (a `break` out of a block around
 * the body). Errors are pushed in document order, so the first `max` are the same as before.
 * Sound only when no error is ever taken back (anyOf, oneOf, if, not, a called subschema reset
 * `errors`): such code, or more or fewer than one validating function, stops the build.
 */
export function stopAtErrorCap(code, max) {
  const fail = (message) => rewriteError('error cap', message);
  const functions = [...code.matchAll(/function (validate\d+)\(/g)];
  if (functions.length !== 1) throw fail(`expected one validating function, found ${functions.length}`);
  const name = functions[0][1];
  const start = 'let vErrors = null;let errors = 0;';
  const end = `${name}.errors = vErrors;return errors === 0;}`;
  if (count(code, start) !== 1 || count(code, end) !== 1 || code.indexOf(start) > code.indexOf(end))
    throw fail(`${name} does not start and end as expected`);
  const increments = count(code, 'errors++;');
  if (increments === 0 || increments !== count(code, 'vErrors.push('))
    throw fail(`${increments} error counts for ${count(code, 'vErrors.push(')} errors pushed`);
  const rest = code
    .replace(start, '')
    .replace(end, '')
    .replaceAll('errors++;', '')
    .replace(/\{vErrors = \[err\d+\];\}/g, '');
  if (/(?<![.\w$])(?:errors|vErrors)\s*(?:=(?!=)|\+=|-=|--|\+\+)|vErrors\.length\s*=(?!=)/.test(rest))
    throw fail('the error count is changed elsewhere (errors taken back by a subschema)');
  return code
    .replace(start, `${start}${CAP_LABEL}:{`)
    .replace(end, `}${end}`)
    .replaceAll('errors++;', `if(++errors >= ${max}){break ${CAP_LABEL};}`);
}
