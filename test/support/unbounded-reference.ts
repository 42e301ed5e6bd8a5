// The validators as they would be without the shipped code's error cap: the same schemas,
// compiled at test time by Ajv with the build's own options (scripts/lib/validator-rewrites.mjs),
// collecting every error. Strict mode is combined as src/strict-validator.ts did before it was
// bounded: the schema's errors, then every unknown-property error.
import { Ajv, type ErrorObject } from 'ajv';
import { formats } from '../../src/formats.js';
import {
  COMMON_SCHEMA,
  loadEvents,
  loadSchemas,
  unknownPropertiesOnly,
  forCompiling,
} from '../../scripts/lib/contract.mjs';
import { AJV_OPTIONS } from '../../scripts/lib/validator-rewrites.mjs';

export interface Unbounded {
  (data: unknown): boolean;
  errors: ErrorObject[] | null;
}

function build(options: Record<string, unknown>): {
  default: Record<string, Unbounded>;
  strict: Record<string, Unbounded>;
} {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...options });
  const unknownAjv = new Ajv({ ...AJV_OPTIONS, ...options, strictTypes: false });
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
  const schemas = loadSchemas() as { file: string; schema: object }[];
  const common = forCompiling(schemas.find((s) => s.file === COMMON_SCHEMA)!.schema);
  ajv.addSchema(common, COMMON_SCHEMA);
  const events = loadEvents() as { event: string; file: string; schema: object }[];
  for (const { file, schema } of events) ajv.addSchema(forCompiling(schema), file);
  const byDefault: Record<string, Unbounded> = Object.create(null);
  const strict: Record<string, Unbounded> = Object.create(null);
  for (const { event, file, schema } of events) {
    const check = ajv.getSchema(file)!;
    const unknown = unknownAjv.compile(unknownPropertiesOnly(forCompiling(schema), common));
    const plain = ((data: unknown) => {
      const valid = check(data) as boolean;
      plain.errors = check.errors ?? null;
      return valid;
    }) as Unbounded;
    const both = ((data: unknown) => {
      const valid = check(data) as boolean;
      const errors = check.errors ?? [];
      const noUnknown = unknown(data) as boolean;
      const all = errors.concat(unknown.errors ?? []);
      both.errors = all.length > 0 ? all : null;
      return valid && noUnknown;
    }) as Unbounded;
    byDefault[event] = plain;
    strict[event] = both;
  }
  return { default: byDefault, strict };
}

/** Every event's validators (default and strict mode) without a cap on the errors collected. */
export const unbounded = build({ ownProperties: true });
