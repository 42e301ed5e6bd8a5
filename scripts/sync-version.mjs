// Writes package.json's version into asyncapi.yaml's info.version (a targeted edit that keeps the
// file's comments and layout), so every artefact regenerated from it carries the same version.
// Run: node scripts/sync-version.mjs (the version flow runs it after `changeset version`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, readJson } from './lib/contract.mjs';

const { values } = parseArgs({ options: { root: { type: 'string', default: ROOT } } });
const { version } = readJson(join(values.root, 'package.json'));
const path = join(values.root, 'asyncapi.yaml');
const text = readFileSync(path, 'utf8');
const pattern = /^(info:\n(?:[ ]{2}.*\n)*?[ ]{2}version: ).*$/m;
if (!pattern.test(text)) throw new Error('asyncapi.yaml has no info.version line to update');
writeFileSync(path, text.replace(pattern, `$1${version}`));
console.log(`asyncapi.yaml info.version = ${version}`);
