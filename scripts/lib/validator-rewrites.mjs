// The Ajv options the validators are compiled with, and the checked rewrites
// scripts/build-validators.mjs applies to Ajv's standalone code. Each rewrite counts the sites it
// expects and throws when Ajv's output stops looking like it (after an Ajv upgrade, say), so the
// build fails loudly instead of shipping code that is silently not rewritten.

/** Compile options shared by the build and the tests' run-time reference (no code generation options). */
export const AJV_OPTIONS = Object.freeze({
  allErrors: true, // all of the matched event's errors, in document order, up to the cap (see stopAtErrorCap)
  verbose: true, // each error carries the value it is about (see keepOnlyErrorData)
  strict: true,
  strictRequired: false,
  messages: false, // src/issues.ts writes the messages, from keyword and params
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
      return op === '>'
        ? `(${data}.length > ${limit} && ${helper}(${data}) > ${limit})`
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
