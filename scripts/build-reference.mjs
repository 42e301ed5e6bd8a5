// Builds docs/reference.html: the event reference as one static page (no script of its own, so it
// renders as fast as the browser lays out HTML): per event, what it is, how it is delivered, its
// type names, every field (type, requirement, description with its decisions, personal-data and
// lifecycle badges), the example and the code samples the OpenAPI view carries as x-codeSamples.
// Run: node scripts/build-reference.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Marked } from 'marked';
import { parse } from 'yaml';
import { ROOT, eventFields, loadEvents, outDir, writeOutput } from './lib/contract.mjs';
import { codeBlock, escapeHtml, page, pkg, siteNav } from './lib/site.mjs';

const SCRIPT = 'scripts/build-reference.mjs';
const dir = outDir('docs');
const asyncapi = parse(readFileSync(join(ROOT, 'asyncapi.yaml'), 'utf8'));
const openapi = parse(readFileSync(join(ROOT, 'generated', 'openapi.yaml'), 'utf8'));
const inline = (markdown) => new Marked({ gfm: true }).parseInline(String(markdown ?? ''));

/** A field's type in words: `string (date-time)`, `integer or null`, `"lead.captured"`. */
function typeOf(schema) {
  if (schema.const !== undefined) return `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`;
  if (schema.enum) return schema.enum.map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(' | ');
  const types = [schema.type ?? 'any'].flat();
  const format = schema.format ? ` (${schema.format})` : '';
  return types.map((t) => escapeHtml(t === 'string' ? `string${format}` : t)).join(' or ');
}

/** Badges that lead a field's description: personal data, deprecation, the version it appeared in. */
function badges(schema) {
  const out = [];
  if (schema['x-pii']) out.push(`<span class="badge pii">personal data: ${escapeHtml(schema['x-pii'])}</span>`);
  if (schema.deprecated) out.push('<span class="badge deprecated">deprecated</span>');
  if (schema['x-since']) out.push(`<span class="badge">since ${escapeHtml(schema['x-since'])}</span>`);
  return out.join(' ');
}

/**
 * An event's fields as a table. On a phone the rows become cards (site.css), and CSS `display`
 * would drop a table's meaning for screen readers, so every element states its role.
 */
function fieldTable(event, schema) {
  const rows = [...eventFields(schema)].map(
    ({ path, field, required }) => `<tr role="row" id="${escapeHtml(`${event}.${path}`)}">
          <th role="rowheader" scope="row"><code>${escapeHtml(path)}</code></th>
          <td role="cell" class="type">${typeOf(field)}</td>
          <td role="cell" class="presence">${required ? 'required' : 'optional'}</td>
          <td role="cell" class="description">${badges(field)} ${inline(field.description)}</td>
        </tr>`,
  );
  const head = ['Field', 'Type', 'Presence', 'Description'].map(
    (name) => `<th role="columnheader" scope="col">${name}</th>`,
  );
  return `<div class="table" tabindex="0" role="region" aria-label="Fields of ${escapeHtml(event)}">
      <table class="fields" role="table">
        <thead role="rowgroup"><tr role="row">${head.join('')}</tr></thead>
        <tbody role="rowgroup">
        ${rows.join('\n        ')}
        </tbody>
      </table>
    </div>`;
}

function section(entry) {
  const { event, schema, camel, eventTitle, dataTitle } = entry;
  const message = asyncapi.components.messages[camel];
  const operation = openapi.webhooks[event].post;
  const examples = Object.values(operation.requestBody.content['application/json'].examples);
  const example = examples
    .map(({ summary, value }) => codeBlock(`${JSON.stringify(value, null, 2)}\n`, 'json', summary))
    .join('\n');
  const samples = operation['x-codeSamples']
    .map(({ lang, label, source }) => codeBlock(source, lang === 'Shell' ? 'bash' : 'ts', `${label} (${lang})`))
    .join('\n');
  return `    <section class="event" aria-labelledby="${event}">
      <h2 id="${event}"><code>${escapeHtml(event)}</code> <a class="anchor" href="#${event}" aria-label="Link to ${escapeHtml(event)}">#</a></h2>
      <p class="summary">${inline(message.summary)}</p>
      <p>${inline(message.description)}</p>
      <dl class="facts">
        <dt>Delivery</dt><dd>an HTTP <code>POST</code> to your endpoint, body <code>application/json</code></dd>
        <dt>Types</dt><dd><code>${eventTitle}</code>, <code>${dataTitle}</code> from <code>@chatspark/webhooks</code></dd>
        <dt>Validator</dt><dd><code>@chatspark/webhooks/validators/${escapeHtml(event)}</code></dd>
        <dt>Try it</dt><dd><a href="playground.html?event=${escapeHtml(event)}">validate a payload in the playground</a></dd>
      </dl>
      <h3 id="${event}-fields">Fields</h3>
      ${fieldTable(event, schema)}
      <h3 id="${event}-example">Example</h3>
      ${example}
      <h3 id="${event}-code">Code</h3>
      ${samples}
    </section>`;
}

const events = loadEvents();
const body = `    <h1>Event reference</h1>
    <p>The nine webhook events of <code>@chatspark/webhooks</code> ${escapeHtml(pkg.version)}. ChatSpark posts each as a JSON envelope <code>{ event, timestamp, data }</code> to the endpoint URL you registered; the code for each event is typed and checked by this package's CI.</p>
    <nav aria-label="Events" class="toc">
      <ul>
        ${events.map(({ event }) => `<li><a href="#${event}"><code>${escapeHtml(event)}</code></a></li>`).join('\n        ')}
      </ul>
    </nav>
${events.map(section).join('\n')}`;

writeOutput(
  dir,
  'reference.html',
  page({
    script: SCRIPT,
    file: 'reference.html',
    title: 'Event reference',
    body,
    nav: siteNav(),
    description: 'Every ChatSpark webhook event: fields, examples and typed code.',
  }),
);
