// Serves a Web handler, `(request: Request) => Response | Promise<Response>`, exported by an ES
// module, on node:http, the way @hono/node-server or Next.js's own server hand a route a Request:
// the Node.js request becomes a Web Request whose body streams from the socket, and the Response
// is written back as it comes. Used by test/recipes.test.ts for the Hono and Next.js recipes.
// Run: PORT=3000 node fetch-bridge.mjs <module file> <export: POST | default.fetch>
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const [modulePath, exportName] = process.argv.slice(2);
if (!modulePath || !exportName) throw new Error('usage: fetch-bridge.mjs <module file> <export>');
const module = await import(pathToFileURL(modulePath).href);
const handler = exportName.split('.').reduce((value, key) => value?.[key], module);
if (typeof handler !== 'function') throw new Error(`${modulePath} exports no function ${exportName}`);

createServer(async (req, res) => {
  try {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const one of Array.isArray(value) ? value : [value ?? '']) headers.append(name, one);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`), {
      method: req.method,
      headers,
      body: hasBody ? Readable.toWeb(req) : null,
      duplex: 'half',
    });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) for await (const chunk of response.body) res.write(chunk);
    res.end();
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('bridge: the handler threw');
  }
}).listen(Number(process.env.PORT), '127.0.0.1');
