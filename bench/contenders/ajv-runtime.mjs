// The usual way to validate with JSON Schema: Ajv compiles the same schemas when the process
// starts, and a map dispatches on `event` as the package does. The benchmark times its compiling
// (cold start) and its validating. The formats are the package's own: ajv-formats' `date-time`
// accepts "2026-02-24 12:00:00Z" and offsets such as "+0100" and "+01", which the contract rejects,
// so with it Ajv would not be checking the same rules.
import Ajv from 'ajv';
import { formats } from '../../dist/formats.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACT_KEYWORDS } from '../../scripts/lib/contract.mjs';

const SCHEMAS = new URL('../../schemas/', import.meta.url);

/** Compiles every event schema at run time; returns a check with the package's dispatch. */
export function createAjvRuntime() {
  const ajv = new Ajv({ allErrors: true, keywords: CONTRACT_KEYWORDS });
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
  const files = readdirSync(SCHEMAS).filter((f) => f.endsWith('.json'));
  const read = (file) => JSON.parse(readFileSync(join(SCHEMAS.pathname, file), 'utf8'));
  ajv.addSchema(read('common.json'), 'common.json');
  const validators = Object.create(null);
  for (const file of files) {
    const schema = read(file);
    const event = schema.properties?.event?.const;
    if (typeof event === 'string') validators[event] = ajv.compile(schema);
  }
  return function checkWithAjv(input) {
    const validate =
      input !== null && typeof input === 'object' && typeof input.event === 'string'
        ? validators[input.event]
        : undefined;
    if (validate === undefined) return { valid: false, errors: [{ instancePath: '/event', keyword: 'enum' }] };
    return validate(input) ? { valid: true, event: input } : { valid: false, errors: validate.errors };
  };
}
