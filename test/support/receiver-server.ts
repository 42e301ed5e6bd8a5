// A child process serving one front of the receiver (see frameworks.ts) on a free port of
// 127.0.0.1, so that a crash shows as the process exiting. Usage: receiver-server <front> <maxBodyBytes>.
// Prints NDJSON on stdout: {"type":"ready","url":...} first, then one line per settled delivery.
import { createWebhookReceiver } from '../../src/index.js';
import { FRONTS, startFront, type Front } from './frameworks.js';

const [front, max] = process.argv.slice(2) as [Front, string];
if (!(FRONTS as readonly string[]).includes(front)) throw new Error(`unknown front ${front}`);
const log = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};
const receiver = createWebhookReceiver({ maxBodyBytes: Number(max) }).on('lead.captured', () => undefined);
const { url } = await startFront(front, receiver, log);
log({ type: 'ready', url, front });
