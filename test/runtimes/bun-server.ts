// @ts-nocheck -- Bun's globals (Bun.serve, Bun.version) are not in the test project's types.
// The shared receiver under Bun: Bun.serve on a free port of 127.0.0.1, answering through the
// package's fetchHandler(). Prints one ready line (JSON) on stdout once it listens.
import { createFetchApp } from './receiver.ts';

const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: createFetchApp() });
console.log(JSON.stringify({ type: 'ready', url: `http://127.0.0.1:${server.port}/`, version: Bun.version }));
