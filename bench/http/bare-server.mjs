// The HTTP baseline: a node:http server on 127.0.0.1 that reads each body and answers 200,
// nothing else. Prints its URL first, as `chatspark-webhooks listen` does.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}/`));
process.on('SIGINT', () => server.close(() => process.exit(0)));
