// The NDJSON baseline: read the file line by line as `chatspark-webhooks validate` does
// (node:readline over a read stream) and only JSON.parse each line. Prints the count.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

let events = 0;
const lines = createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  JSON.parse(line);
  events++;
}
console.log(events);
