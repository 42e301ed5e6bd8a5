// Generates generated/types.d.ts, the TypeScript types of every event, from schemas/*.json with
// json-schema-to-typescript. Run: node scripts/build-types.mjs
import { compile } from 'json-schema-to-typescript';
import { SCHEMAS_DIR, UNION_SCHEMA, loadEvents, readJson, header, outDir, writeOutput } from './lib/contract.mjs';
import { join } from 'node:path';

const SCRIPT = 'scripts/build-types.mjs';
const dir = outDir('generated');
const events = loadEvents();

// Compiling the union pulls in every event and its `data` through the $refs, named by their titles.
const body = await compile(readJson(join(SCHEMAS_DIR, UNION_SCHEMA)), 'WebhookEvent', {
  cwd: SCHEMAS_DIR,
  bannerComment: '',
  additionalProperties: false, // unknown properties are accepted at run time but not typed
  strictIndexSignatures: true,
  format: true,
  style: { singleQuote: true },
});

const extra = `
/** The name of a ChatSpark webhook event. */
export type WebhookEventType = WebhookEvent['event'];

/** Each event name mapped to the type of its event. */
export interface WebhookEventMap {
${events.map((e) => `  ${JSON.stringify(e.event).replace(/"/g, "'")}: ${e.eventTitle};`).join('\n')}
}

/** The type of \`data\` for each event name. */
export type WebhookEventDataMap = { [K in WebhookEventType]: WebhookEventMap[K]['data'] };
`;
writeOutput(dir, 'types.d.ts', `${header(SCRIPT)}\n${body.trimEnd()}\n${extra}`);
