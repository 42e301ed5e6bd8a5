import type { ValidationIssue } from './issues.js';

// How an issue is written for people lives here, not in issues.ts: the per-event validators bundle
// issues.ts, and these lines have no place in them.

/** The message of anything thrown: an Error's message, or the value itself as a string. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An issue's path for people: the JSON pointer, or `(root)` for the payload itself (`""`). */
export function formatPath(path: string): string {
  return path === '' ? '(root)' : path;
}

/** An issue on one line for people: `/data/email: Expected … [format]`. */
export function formatIssue({ path, message, keyword }: ValidationIssue): string {
  return `${formatPath(path)}: ${message} [${keyword}]`;
}

const BRAND = Symbol.for('@chatspark/webhooks.WebhookValidationError');

/** Thrown by {@link assertWebhookEvent} when a payload does not match the contract. */
export class WebhookValidationError extends Error {
  /** Every issue found (at most {@link MAX_ISSUES}), each with `path`, `message` and `keyword`. */
  readonly errors: ValidationIssue[];

  constructor(errors: ValidationIssue[]) {
    const [first] = errors;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more issue${errors.length > 2 ? 's' : ''})` : '';
    const where = first ? `${formatPath(first.path)}: ${first.message}` : 'no details';
    super(`Invalid ChatSpark webhook event: ${where}${more}`);
    this.name = 'WebhookValidationError';
    this.errors = errors;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * True for a WebhookValidationError from any copy of this package (two installed versions, or
   * a bundle and node_modules), where `instanceof` would say no.
   */
  static isWebhookValidationError(value: unknown): value is WebhookValidationError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
