// The code shown for each event, made from the source of truth: its type names, a typed receiver,
// the per-event validator, a `send` line and a curl with the example body. One home for these
// samples: build-openapi puts them in the OpenAPI view as `x-codeSamples` (Redoc shows them) and
// build-reference shows the same text on the event reference; test/docs/code-samples.test.ts
// type-checks the TypeScript ones and runs every one against a real receiver.
/** Where the samples post: a receiver on this machine (the tests replace the port). */
export const SAMPLE_URL = 'http://localhost:3000/webhooks';

/**
 * The field of `data` a sample prints: an identifier (required, a string or a number, not
 * personal data), so that a receiver copied from the docs logs nothing personal.
 */
export function loggedField(schema) {
  const data = schema.properties.data;
  const names = (data.required ?? []).filter((name) => {
    const field = data.properties[name];
    return !field['x-pii'] && !/timestamp|At$/.test(name);
  });
  return names.find((name) => /Id$/.test(name)) ?? names[0];
}

/**
 * The samples of one event (from loadEvents()) with its first example's payload, as OpenAPI's
 * `x-codeSamples` entries: `{ lang, label, source }`, each source ending with a newline.
 */
export function codeSamples({ event, schema, eventTitle, dataTitle }, example) {
  const field = loggedField(schema);
  const receiver = `import { createServer } from 'node:http';
import { createWebhookReceiver, type ${dataTitle}, type ${eventTitle} } from '@chatspark/webhooks';

const receiver = createWebhookReceiver().on('${event}', (event: ${eventTitle}) => {
  const data: ${dataTitle} = event.data; // validated: the handler runs only for a valid ${event}
  console.log(\`${event} \${data.${field}} at \${event.timestamp}\`);
});

createServer(receiver.nodeHandler()).listen(Number(process.env.PORT ?? 3000));
`;
  const validator = `import { validate } from '@chatspark/webhooks/validators/${event}';

export function read${eventTitle.replace(/Event$/, '')}(body: string) {
  const result = validate(JSON.parse(body)); // { strict: true } also rejects unknown properties
  if (!result.valid) throw new Error(result.errors.map((e) => \`\${e.path} \${e.message}\`).join('; '));
  return result.event; // ${eventTitle}
}
`;
  // The CLI sends the reference's examples, then 10 generated payloads that vary every field.
  const send = `npx chatspark-webhooks send ${SAMPLE_URL} --event ${event}\n`;
  const curl = `curl -sS ${SAMPLE_URL} \\
  -H 'content-type: application/json' \\
  --data-binary @- <<'JSON'
${JSON.stringify(example, null, 2)}
JSON
`;
  return [
    { lang: 'TypeScript', label: 'Receiver', source: receiver },
    { lang: 'TypeScript', label: 'Validator', source: validator },
    { lang: 'Shell', label: 'Send test events', source: send },
    { lang: 'Shell', label: 'curl', source: curl },
  ];
}
