// Generates generated/openapi.yaml: an OpenAPI 3.1 view of the contract, one `webhooks` entry per
// event, from asyncapi.yaml and schemas/*.json. Run: node scripts/build-openapi.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { codeSamples } from './lib/code-samples.mjs';
import {
  ROOT,
  COMMON_SCHEMA,
  loadEvents,
  loadSchemas,
  readJson,
  header,
  outDir,
  withLifecycleNotes,
  writeOutput,
} from './lib/contract.mjs';

const SCRIPT = 'scripts/build-openapi.mjs';
const dir = outDir('generated');

const asyncapi = parse(readFileSync(join(ROOT, 'asyncapi.yaml'), 'utf8'));
const pkg = readJson(join(ROOT, 'package.json'));
const common = loadSchemas().find((s) => s.file === COMMON_SCHEMA).schema;
const pascal = (name) => name[0].toUpperCase() + name.slice(1);

/** Component names of the shared definitions: `agentId` → `AgentId`. */
const definitionName = (name) => pascal(name);

/**
 * Rewrites a schema for components/schemas: `common.json#/definitions/x` becomes a component
 * reference (OpenAPI 3.1 keeps the sibling description), `$schema` goes, and every object with a
 * title other than the root's becomes a component of its own, named by that title.
 */
function rewrite(schema, components, isRoot = false) {
  if (Array.isArray(schema)) return schema.map((s) => rewrite(s, components));
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === '$id') continue; // an absolute $id breaks Redocly's $ref resolution
    if (key === '$ref') {
      const match = /^common\.json#\/definitions\/(.+)$/.exec(value);
      if (!match) throw new Error(`Unexpected $ref ${value}`);
      out.$ref = `#/components/schemas/${definitionName(match[1])}`;
    } else if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, rewrite(child, components)]),
      );
    } else {
      out[key] = rewrite(value, components);
    }
  }
  if (!isRoot && typeof out.title === 'string' && out.type === 'object') {
    components[out.title] = out;
    return { $ref: `#/components/schemas/${out.title}` };
  }
  return out;
}

const schemas = {};
for (const [name, definition] of Object.entries(common.definitions))
  schemas[definitionName(name)] = rewrite(definition, schemas, true);

const messages = asyncapi.components.messages;

// The optional Standard Webhooks v1 profile: its headers, from the message trait, as optional
// header parameters of every webhook (labelled as not part of ChatSpark's reference).
const profile = asyncapi.components.messageTraits.standardWebhooksProfile;
const profileParameters = Object.entries(profile.headers.properties).map(
  ([name, { description, examples, ...schema }]) => ({
    name,
    in: 'header',
    required: false,
    description,
    schema,
    example: examples[0],
  }),
);
const webhooks = {};
const tags = [];
const tagGroups = asyncapi.info.tags.map((t) => ({ name: t.name, tags: [] }));
for (const entry of loadEvents()) {
  const { event, schema, camel, eventTitle } = entry;
  // The docs site's badges: personal data, deprecation and the version a field appeared in lead its description.
  schemas[eventTitle] = rewrite(withLifecycleNotes(schema, 'markdown'), schemas, true);
  const message = messages[camel];
  const examples = {};
  for (const example of message.examples) {
    examples[example.name] = { summary: example.summary, value: readJson(join(ROOT, example.payload.$ref)) };
  }
  tags.push({ name: event, description: `${message.summary} ${message.description}` });
  for (const t of message.tags) tagGroups.find((g) => g.name === t.name).tags.push(event);
  webhooks[event] = {
    post: {
      operationId: camel,
      summary: message.summary,
      description: `${message.description}\n\nChatSpark sends it as \`POST\` with a JSON body to the endpoint the subscriber registered. Headers, signatures, retries and delivery ids are not defined by the reference; the optional Standard Webhooks v1 headers below are a profile this package offers, not part of it.`,
      // One tag per event, so the reference's navigation lists every event by name.
      tags: [event],
      parameters: profileParameters,
      requestBody: {
        required: true,
        description: `The \`${event}\` event envelope.`,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${eventTitle}` }, examples } },
      },
      // Redoc shows these beside the operation: the same text as the event reference's code.
      'x-codeSamples': codeSamples(entry, Object.values(examples)[0].value),
      responses: {
        200: {
          description:
            'Accepted. Any 2xx status acknowledges the delivery; answer once the event is stored, and quickly.',
        },
        400: {
          description:
            'The body is not a valid ChatSpark webhook event (what `parseWebhookEvent` and the typed receiver answer).',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/InvalidWebhookEventResponse' } } },
        },
        401: {
          description:
            "Optional profile (Standard Webhooks v1), not part of ChatSpark's reference: a receiver that verifies signatures rejects a delivery whose headers are missing, stale, or do not match the body (the typed receiver answers `{ ok: false, error: 'unauthorized', reason, message }`).",
        },
        409: {
          description:
            'A receiver that drops duplicates with a store shared between instances: the same delivery is being handled elsewhere; retry after `Retry-After` seconds.',
        },
        413: { description: 'The body is larger than the receiver accepts (the typed receiver: 1 MiB by default).' },
      },
    },
  };
}

schemas.ValidationIssue = {
  title: 'ValidationIssue',
  type: 'object',
  description: 'One reason a payload does not match the contract, as the package reports it.',
  required: ['path', 'message', 'keyword', 'expected', 'received'],
  properties: {
    path: {
      type: 'string',
      description: 'JSON pointer to the offending value, such as `/data/email`; empty for the payload itself.',
    },
    message: { type: 'string', description: 'A sentence naming what was expected and what came.' },
    keyword: {
      type: 'string',
      description: 'The rule that failed: a JSON Schema keyword, or `json` for a body that is not JSON.',
    },
    expected: { type: 'string', description: 'What the contract expects, in words.' },
    received: {
      type: 'string',
      description: 'What the payload holds, in words, with at most a short excerpt of the value.',
    },
  },
};
schemas.InvalidWebhookEventResponse = {
  title: 'InvalidWebhookEventResponse',
  type: 'object',
  description: 'The body of a 400 answer from the typed receiver.',
  required: ['ok', 'error', 'errors'],
  properties: {
    ok: { const: false, description: 'Always `false`.' },
    error: { const: 'invalid_webhook_event', description: 'What went wrong, as a code.' },
    errors: {
      type: 'array',
      items: { $ref: '#/components/schemas/ValidationIssue' },
      description: 'Every issue found, at most 20.',
    },
  },
};

const document = {
  openapi: '3.1.0',
  info: {
    title: asyncapi.info.title,
    version: pkg.version,
    summary: 'Every webhook event ChatSpark emits, with its payload schema and example.',
    description: `${asyncapi.info.description.trim()}\n\nThis OpenAPI view is generated from the AsyncAPI document and the JSON Schemas of \`@chatspark/webhooks\` ${pkg.version}, which are the source of truth.`,
    contact: asyncapi.info.contact,
    license: { name: asyncapi.info.license.name, identifier: 'MIT' },
  },
  tags,
  // Groups the events in the navigation by the AsyncAPI tags (lead, conversation...).
  'x-tagGroups': tagGroups,
  webhooks,
  components: { schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))) },
};

writeOutput(
  dir,
  'openapi.yaml',
  `${header(SCRIPT, '#')}${stringify(document, { lineWidth: 0, aliasDuplicateObjects: false })}`,
);
