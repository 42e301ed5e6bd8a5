// Collects every contract decision (each "Decision:" sentence in a schema description) into
// generated/contract-decisions.md (linked from README.md; docs-src/decisions.md includes it in
// the docs site).
// Run: node scripts/build-decisions.mjs
import { COMMON_SCHEMA, UNION_SCHEMA, loadEvents, loadSchemas, header, outDir, writeOutput } from './lib/contract.mjs';

const SCRIPT = 'scripts/build-decisions.mjs';
const dir = outDir('generated');

/** The decision sentences of a description: from each "Decision:" to the next one or the end. */
function decisionsIn(description) {
  if (typeof description !== 'string') return [];
  return description
    .split(/(?=Decision:)/)
    .filter((part) => part.startsWith('Decision:'))
    .map((part) => part.slice('Decision:'.length).trim());
}

/**
 * The lifecycle of a field or event, as decisions: deprecated (since which version; removing it
 * is a breaking change, announced by the deprecation) and the version it appeared in.
 */
function lifecycleIn(schema) {
  const out = [];
  if (schema.deprecated === true)
    out.push(
      `deprecated${schema['x-deprecated-since'] ? ` since ${schema['x-deprecated-since']}` : ''} (\`deprecated: true\`): still sent and valid; it will be removed in a later release, which \`npm run diff\` reports as breaking.`,
    );
  if (schema['x-since']) out.push(`present since ${schema['x-since']} (\`x-since\`).`);
  return out;
}

/** Walks properties (and array items) depth first, yielding [dotted field path, schema]. */
function* fields(schema, path) {
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const childPath = path ? `${path}.${name}` : name;
    yield [childPath, child];
    yield* fields(child, childPath);
    if (child.items) yield [`${childPath}[]`, child.items];
  }
}

const schemas = Object.fromEntries(loadSchemas().map(({ file, schema }) => [file, schema]));
const events = loadEvents();
const lines = [];
const add = (field, text) => lines.push(`- **${field}**: ${text}`);

lines.push('### Every event', '');
for (const text of decisionsIn(schemas[UNION_SCHEMA].description)) add('Envelope', text);

lines.push('', `### Shared definitions (\`schemas/${COMMON_SCHEMA}\`)`, '');
for (const [name, definition] of Object.entries(schemas[COMMON_SCHEMA].definitions)) {
  const ref = `${COMMON_SCHEMA}#/definitions/${name}`;
  const users = [];
  for (const { event, schema } of events) {
    for (const [field, child] of fields(schema, '')) if (child.$ref === ref) users.push(`${event} \`${field}\``);
  }
  const eventsUsing = new Set(users.map((u) => u.split(' ')[0]));
  const usedBy = eventsUsing.size === events.length ? 'every event' : users.join(', ');
  for (const text of decisionsIn(definition.description)) add(`\`${name}\``, `${text} _Used by ${usedBy}._`);
}

for (const { event, schema } of events) {
  const own = [];
  for (const text of [...decisionsIn(schema.description), ...lifecycleIn(schema)]) own.push(['(event)', text]);
  for (const [field, child] of fields(schema, '')) {
    for (const text of [...decisionsIn(child.description), ...lifecycleIn(child)]) own.push([field, text]);
  }
  if (own.length === 0) continue;
  lines.push('', `### ${event}`, '');
  for (const [field, text] of own) add(field === '(event)' ? 'event' : `\`${field}\``, text);
}
const body = `${lines.join('\n')}\n`;

writeOutput(dir, 'contract-decisions.md', `${header(SCRIPT, '<!--').replace(/\n$/, ' -->\n')}\n${body}`);
