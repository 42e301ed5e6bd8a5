/**
 * Strict mode, put together at run time from two compiled checks: the event's schema, and "no
 * property the contract does not define" (compiled on its own by scripts/build-validators.mjs, a
 * few lines per event). A value passes strict mode exactly when it passes both; the issues of
 * both are kept, the schema's first, and at most {@link MAX_ISSUES} of them, like each check's own.
 */
import type { CompiledValidator } from '../generated/validators.js';
import { MAX_ISSUES } from './issues.js';

/** Combines an event's compiled schema check with its unknown-property check. */
export function strictValidator(check: CompiledValidator, unknownProperties: CompiledValidator): CompiledValidator {
  const validate: CompiledValidator = (data: unknown): boolean => {
    const valid = check(data);
    const errors = check.errors ?? null;
    // The schema's errors already fill the list: the unknown-property check could add none that
    // is reported, so it does not walk the object at all.
    if (errors !== null && errors.length >= MAX_ISSUES) {
      validate.errors = errors;
      return false;
    }
    if (unknownProperties(data)) {
      validate.errors = errors;
      return valid;
    }
    const unknown = unknownProperties.errors ?? [];
    validate.errors = errors ? errors.concat(unknown).slice(0, MAX_ISSUES) : unknown;
    return false;
  };
  validate.errors = null;
  return validate;
}
