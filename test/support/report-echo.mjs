// Writes records to the report named on the command line (e.g. /dev/stdout, a pipe to the parent),
// some in one turn and some in separate turns, with fsync asked for; prints its counters on stderr.
import { ReportWriter } from '../../dist/cli/report.js';

const [path, count] = process.argv.slice(2);
const writer = ReportWriter.open(path, { fsync: true });
const results = await Promise.all(Array.from({ length: Number(count) }, (_, seq) => writer.write({ seq })));
results.push(await writer.write({ seq: Number(count) }));
const lost = await writer.close();
process.stderr.write(JSON.stringify({ results, lost, firstError: writer.firstError ?? null }));
