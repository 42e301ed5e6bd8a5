// Generates generated/types.d.ts, the TypeScript types of every event, from schemas/*.json with
// json-schema-to-typescript. Run: node scripts/build-types.mjs
import { compile } from 'json-schema-to-typescript';
import {
  SCHEMAS_DIR,
  UNION_SCHEMA,
  loadEvents,
  readJson,
  header,
  outDir,
  withLifecycleNotes,
  writeOutput,
} from './lib/contract.mjs';
import { join } from 'node:path';

const SCRIPT = 'scripts/build-types.mjs';
const dir = outDir('generated');
const events = loadEvents();

// Compiling the union pulls in every event and its `data` through the $refs, named by their titles.
// Every schema file is read with its lifecycle notes added to the descriptions (personal data,
// deprecation, the version a field appeared in), so editors show them; json-schema-to-typescript
// itself turns `deprecated: true` into `@deprecated`, which editors strike through.
const body = await compile(withLifecycleNotes(readJson(join(SCHEMAS_DIR, UNION_SCHEMA))), 'WebhookEvent', {
  cwd: SCHEMAS_DIR,
  $refOptions: {
    resolve: {
      file: {
        order: 1,
        canRead: /\.json$/,
        read: (file) =>
          JSON.stringify(withLifecycleNotes(readJson(file.url.startsWith('file:') ? new URL(file.url) : file.url))),
      },
    },
  },
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
