// The shared receiver under Node.js: node:http on a free port of 127.0.0.1, answering through the
// package's nodeHandler(). Bundled by the test into an .mjs with the package left external, so Node
// resolves `@chatspark/webhooks` through node_modules and the package's `exports`. Prints one ready
// line (JSON) on stdout once it listens.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeApp } from './receiver.js';

const server = createServer(createNodeApp());
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ type: 'ready', url: `http://127.0.0.1:${port}/`, version: process.version }));
});
