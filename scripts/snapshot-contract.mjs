// Records the contract as released: copies asyncapi.yaml, schemas/ and examples/ into
// contract-snapshot/ with the package version. The version flow runs it after check-release.
// Run: node scripts/snapshot-contract.mjs
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readJson } from './lib/contract.mjs';

const dir = join(ROOT, 'contract-snapshot');
rmSync(dir, { recursive: true, force: true });
for (const part of ['asyncapi.yaml', 'schemas', 'examples'])
  cpSync(join(ROOT, part), join(dir, part), { recursive: true });
const { version } = readJson(join(ROOT, 'package.json'));
writeFileSync(
  join(dir, 'release.json'),
  `${JSON.stringify({ version, note: 'The contract as released in this version; compared by scripts/check-release.mjs. Written by scripts/snapshot-contract.mjs; do not edit.' }, null, 2)}\n`,
);
console.log(`contract-snapshot/ now holds the contract of ${version}`);
