// What the playground says about a text: the package's own verdict (parseWebhookEvent, the function
// an endpoint calls first), and where in the text each issue is, so the page can highlight it.
// Pure functions of the text: no DOM here.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { parseWebhookEvent } from '../../src/validate.js';

/** A span of the text, as UTF-16 offsets (what the textarea's selection uses): [start, end). */
export interface Range {
  start: number;
  end: number;
}

/** One line of the issue list: where (a JSON pointer, or a line and column), why, and the span to highlight. */
export interface Finding {
  where: string;
  message: string;
  range: Range | undefined;
}

export interface Verdict {
  valid: boolean;
  summary: string;
  findings: Finding[];
}

/** Strict JSON, as JSON.parse reads it: no comments, no trailing commas. */
const JSON_ONLY = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/** jsonc-parser's error codes, in words. */
const PARSE_ERRORS: Record<string, string> = {
  InvalidSymbol: 'an unexpected character',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a property name in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon was expected',
  CommaExpected: 'a comma was expected',
  CloseBraceExpected: 'a closing } was expected',
  CloseBracketExpected: 'a closing ] was expected',
  EndOfFileExpected: 'nothing may follow the value',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'an unterminated comment',
  UnexpectedEndOfString: 'an unterminated string',
  UnexpectedEndOfNumber: 'an unterminated number',
  InvalidUnicode: 'a malformed \\u escape',
  InvalidEscapeCharacter: 'an invalid escape sequence',
  InvalidCharacter: 'a control character inside a string',
};

/** RFC 6901: `/data/a~1b` → ['data', 'a/b']; `""` (the whole payload) → []. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value under `key` of an object node (the last one, as JSON.parse keeps), or item `key` of an array. */
function childOf(node: Node, key: string): Node | undefined {
  if (node.type === 'object') {
    const property = node.children?.filter((p) => p.children?.[0]?.value === key).pop();
    return property?.children?.[1];
  }
  if (node.type === 'array' && /^(0|[1-9]\d*)$/.test(key)) return node.children?.[Number(key)];
  return undefined;
}

const spanOf = (node: Node): Range => ({ start: node.offset, end: node.offset + node.length });

/** The key of the property whose value `node` is, if it is one. */
function keyOf(node: Node): Node | undefined {
  return node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
}

/**
 * Where an issue is in the text. Its value, mostly; an unexpected property's key; for a property
 * that is missing (`required`), the key of the object that lacks it, or the opening brace of the
 * payload when the payload itself lacks it.
 */
export function rangeOf(root: Node, pointer: string, keyword: string): Range {
  let node = root;
  for (const segment of pointerSegments(pointer)) {
    const next = childOf(node, segment);
    if (next === undefined) {
      const key = keyOf(node);
      return key ? spanOf(key) : { start: node.offset, end: node.offset + 1 };
    }
    node = next;
  }
  const key = keyword === 'additionalProperties' ? keyOf(node) : undefined;
  return spanOf(key ?? node);
}

/** 1-based line and column of an offset, as editors count them. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

/** A text that is not JSON: the first syntax error, placed and worded by jsonc-parser. */
function notJson(text: string, errors: ParseError[], fallback: string): Verdict {
  const error = errors[0];
  if (error === undefined) return { valid: false, summary: `Not JSON: ${fallback}`, findings: [] };
  const reason = PARSE_ERRORS[printParseErrorCode(error.error)] ?? 'a syntax error';
  const { line, column } = lineColumn(text, error.offset);
  // An error at the very end has no characters of its own: the last one stands in for it.
  const start = Math.min(error.offset, Math.max(text.length - 1, 0));
  const range = { start, end: Math.max(start + 1, error.offset + error.length) };
  const where = `line ${line}, column ${column}`;
  return { valid: false, summary: `Not JSON: ${reason} at ${where}`, findings: [{ where, message: reason, range }] };
}

/** The package's verdict on `text` and where each of its issues is. */
export function judge(text: string, strict: boolean): Verdict {
  if (text.trim() === '') return { valid: false, summary: 'Not JSON: the payload is empty', findings: [] };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, JSON_ONLY);
  const result = parseWebhookEvent(text, { strict });
  const mode = strict ? 'strict' : 'default';
  if (result.valid) return { valid: true, summary: `Valid ${result.event.event} event (${mode} mode)`, findings: [] };
  const first = result.errors[0];
  if (first?.keyword === 'json' || root === undefined) return notJson(text, errors, first?.message ?? 'unreadable');
  const count = result.errors.length;
  const findings = result.errors.map((issue) => ({
    where: issue.path === '' ? '(the payload)' : issue.path,
    message: issue.message,
    range: rangeOf(root, issue.path, issue.keyword),
  }));
  return { valid: false, summary: `Invalid: ${count} issue${count === 1 ? '' : 's'} (${mode} mode)`, findings };
}
