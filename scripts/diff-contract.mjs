// Compares the contract at a git revision with the working tree and classifies every change as
// breaking or not, for senders and for receivers (strict-mode-only changes are named apart).
// Run: npm run diff -- <git-ref> [--format json]     Exit: 0 nothing breaking, 1 breaking, 2 usage.
import { parseArgs } from 'node:util';
import { ROOT } from './lib/contract.mjs';
import { contractAtRevision, contractFromFolder } from './lib/contract-files.mjs';
import { describeChange, diffContracts, isBreaking } from './lib/contract-diff.mjs';

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      root: { type: 'string', default: ROOT },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  console.error(`diff-contract: ${error.message}`);
  process.exit(2);
}
const { values, positionals } = args;
if (values.help || positionals.length !== 1 || !['text', 'json'].includes(values.format)) {
  console[values.help ? 'log' : 'error'](
    'Usage: npm run diff -- <git-ref> [--format text|json]\n\nCompares the contract (asyncapi.yaml, schemas/) at <git-ref> with the working tree.\nExit status: 0 no breaking change, 1 a change breaks senders or receivers, 2 usage error.',
  );
  process.exit(values.help ? 0 : 2);
}

let before;
try {
  before = contractAtRevision(values.root, positionals[0]);
} catch (error) {
  console.error(
    `diff-contract: cannot read the contract at "${positionals[0]}": ${String(error.stderr ?? error.message).trim()}`,
  );
  process.exit(2);
}
let changes;
try {
  changes = await diffContracts(before, contractFromFolder(values.root));
} catch (error) {
  console.error(`diff-contract: ${error.message}`);
  process.exit(2);
}
const breaking = changes.filter(isBreaking);
const summary = {
  total: changes.length,
  breakingForSenders: changes.filter((c) => c.senders).length,
  breakingForReceivers: changes.filter((c) => c.receivers).length,
  strictOnly: changes.filter((c) => !isBreaking(c) && c.strict).length,
  notBreaking: changes.filter((c) => !isBreaking(c) && !c.strict).length,
  notices: changes.filter((c) => c.notice).length,
};
if (values.format === 'json') {
  console.log(JSON.stringify({ from: positionals[0], to: 'working tree', summary, changes }, null, 2));
} else {
  console.log(`Contract changes from ${positionals[0]} to the working tree:`);
  for (const change of changes) console.log(`  ${describeChange(change)}`);
  if (changes.length === 0) console.log('  (none)');
  console.log(
    `${summary.total} changes: ${summary.breakingForSenders} break senders, ${summary.breakingForReceivers} break receivers, ${summary.strictOnly} break strict-mode checks only, ${summary.notBreaking} break nothing (${summary.notices} of them notices: deprecations).`,
  );
}
process.exit(breaking.length > 0 ? 1 : 0);
