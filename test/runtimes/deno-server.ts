// @ts-nocheck -- Deno's globals (Deno.serve, Deno.version) are not in the test project's types.
// The shared receiver under Deno: Deno.serve on a free port of 127.0.0.1, answering through the
// package's fetchHandler(). Prints one ready line (JSON) on stdout once it listens.
import { createFetchApp } from './receiver.ts';

Deno.serve(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen: ({ port }) =>
      console.log(JSON.stringify({ type: 'ready', url: `http://127.0.0.1:${port}/`, version: Deno.version.deno })),
  },
  createFetchApp(),
);
