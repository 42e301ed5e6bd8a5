// A receiver built with the package (dist/index.js), for the dev-loop tests: it answers every
// delivery as createWebhookReceiver() does, and logs each request's method, headers and exact body
// bytes (base64) to stdout as NDJSON, after a first line with its URL.
// Run: node test/support/package-receiver.mjs [status-override]
import { createServer } from 'node:http';
import { createWebhookReceiver } from '../../dist/index.js';

const receiver = createWebhookReceiver();
const override = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const outcome = await receiver.receive(body);
  const status = override ?? outcome.status;
  process.stdout.write(
    `${JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString('base64'), status })}\n`,
  );
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ...outcome.body, from: 'package-receiver' }));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}/hooks\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
