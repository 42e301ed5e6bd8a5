// Writes the list of files `npm pack` ships, with their sizes, and the size of each validator entry
// point into README.md between their markers.
// Runs after `tsc` in `npm run build`, since dist/ is part of the package.
// Run: node scripts/readme-package-contents.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, loadEvents } from './lib/contract.mjs';
import { entrySize } from './lib/entry-sizes.mjs';

const BLOCKS = {
  'package-contents': () => table(),
  'entry-sizes': () => sizes(),
};
const readmePath = join(ROOT, 'README.md');

function table() {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  const rows = packed.files.map((f) => `| \`${f.path}\` | ${f.size.toLocaleString('en')} |`).sort();
  return [
    `${packed.files.length} files, ${packed.unpackedSize.toLocaleString('en')} bytes unpacked:`,
    '',
    '| File | Bytes |',
    '| --- | ---: |',
    ...rows,
  ].join('\n');
}

/** The validator entry points with their size, raw and gzip (minified, level 9). */
function sizes() {
  const row = (name, file, note = '') => {
    const { raw, gzip } = entrySize(join(ROOT, file));
    return `| \`${name}\`${note} | ${raw.toLocaleString('en')} | ${gzip.toLocaleString('en')} |`;
  };
  return [
    '| Entry point | Bytes | Gzip bytes |',
    '| --- | ---: | ---: |',
    row('@chatspark/webhooks', 'generated/validators.js', ' (validators of all nine events, both modes)'),
    ...loadEvents().map(({ event }) =>
      row(`@chatspark/webhooks/validators/${event}`, `generated/validators/${event}.js`),
    ),
  ].join('\n');
}

// README.md is in the package, so its own size depends on the table: repeat until it settles.
for (let round = 0; round < 5; round++) {
  let readme = readFileSync(readmePath, 'utf8');
  const before = readme;
  for (const [name, make] of Object.entries(BLOCKS)) {
    const begin = readme.indexOf(`<!-- ${name}:begin`);
    const end = readme.indexOf(`<!-- ${name}:end -->`);
    if (begin < 0 || end < begin)
      throw new Error(`README.md must contain the markers <!-- ${name}:begin ... --> and <!-- ${name}:end -->`);
    const open = readme.indexOf('-->', begin) + 3;
    readme = `${readme.slice(0, open)}\n${make()}\n${readme.slice(end)}`;
  }
  if (readme === before) break;
  writeFileSync(readmePath, readme);
}
