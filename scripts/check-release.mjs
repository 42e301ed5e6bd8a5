// Fails when the working tree's contract breaks senders or receivers compared with the last
// released contract (contract-snapshot/) while package.json's version is not a major bump of the
// released one. In 0.x, where semver lets any minor change break, a minor bump counts as major.
// Run: node scripts/check-release.mjs [--root DIR]
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { ROOT, readJson } from './lib/contract.mjs';
import { contractFromFolder } from './lib/contract-files.mjs';
import { describeChange, diffContracts, isBreaking } from './lib/contract-diff.mjs';

const { values } = parseArgs({ options: { root: { type: 'string', default: ROOT } } });
const root = values.root;
const released = readJson(join(root, 'contract-snapshot', 'release.json')).version;
const current = readJson(join(root, 'package.json')).version;

/** Whether `to` is a major bump of `from` (for 0.x: a minor bump). */
function isMajorBump(from, to) {
  const [fa, fb] = from.split('.').map(Number);
  const [ta, tb] = to.split('.').map(Number);
  return fa === 0 && ta === 0 ? tb > fb : ta > fa;
}

const changes = await diffContracts(contractFromFolder(join(root, 'contract-snapshot')), contractFromFolder(root));
const breaking = changes.filter(isBreaking);
console.log(
  `Released contract: ${released}. Working tree: ${current}. ${changes.length} changes, ${breaking.length} breaking.`,
);
for (const change of breaking) console.log(`  ${describeChange(change)}`);
if (breaking.length > 0 && !isMajorBump(released, current)) {
  console.log(
    `FAIL: ${breaking.length} breaking change${breaking.length === 1 ? '' : 's'} since ${released} need a major version (${released.startsWith('0.') ? 'in 0.x, a minor bump' : 'a major bump'}); add a major changeset and run \`npm run release:version\`.`,
  );
  process.exit(1);
}
console.log('OK');
