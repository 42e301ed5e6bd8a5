// Fills a report under a file-size limit (run as `bash -c 'ulimit -f <blocks>; exec node report-fill.mjs <file> [fsync]'`)
// and prints what happened as one JSON document on stdout, for test/report.test.ts.
//
// SIGXFSZ: the kernel sends it to a process that writes past RLIMIT_FSIZE, and its default action
// kills the process. Node ignores SIGXFSZ from startup (as it does SIGPIPE), so the write fails with
// EFBIG instead and this script needs no handler; `sigxfszIgnored` proves it on the machine at hand.
// (Node does allow process.on('SIGXFSZ'), but a handler would only replace that disposition.)
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { ReportWriter } from '../../dist/cli/report.js';

const [path, fsync] = process.argv.slice(2);
const errors = [];
const writer = ReportWriter.open(path, { fsync: fsync === 'fsync', onError: (message) => errors.push(message) });
const written = [];
const failed = [];
let seq = 0;

/** Queues `size` records in one event-loop turn (one batch); resolves to how many were written. */
async function batch(size) {
  const records = Array.from({ length: size }, () => ({ seq: seq++, pad: 'x'.repeat(80) }));
  const results = await Promise.all(records.map((record) => writer.write(record)));
  records.forEach((record, i) => (results[i] ? written : failed).push(record.seq));
  return results.filter(Boolean).length;
}

// Batches of 7 until one crosses the limit (a short write, then EFBIG), and once more to see it fail again.
let failedBatches = 0;
for (let i = 0; i < 1000 && failedBatches < 2; i++) if ((await batch(7)) === 0) failedBatches++;
// Then single records: they fit again only if the failed batch was cut back out of the file.
let singlesWritten = 0;
for (let i = 0; i < 1000; i++) {
  if ((await batch(1)) === 0) break;
  singlesWritten++;
}
const closeLost = await writer.close();

const status = readFileSync('/proc/self/status', 'utf8');
const ignored = BigInt(`0x${/SigIgn:\s+([0-9a-f]+)/.exec(status)[1]}`);
const limits = readFileSync('/proc/self/limits', 'utf8');
process.stdout.write(
  JSON.stringify({
    written,
    failed,
    singlesWritten,
    lost: writer.lost,
    closeLost,
    firstError: writer.firstError,
    errors,
    sigxfszIgnored: ((ignored >> BigInt(constants.signals.SIGXFSZ - 1)) & 1n) === 1n,
    fileSizeLimit: Number(/Max file size\s+(\d+)/.exec(limits)?.[1] ?? Infinity),
  }),
);
