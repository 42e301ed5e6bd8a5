// Runs every generation script, each making one artefact from asyncapi.yaml and schemas/.
// Run: npm run generate   (extra arguments, such as --out DIR, are passed to each script)
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './lib/contract.mjs';

export const SCRIPTS = [
  'build-validators.mjs',
  'build-types.mjs',
  'build-decisions.mjs',
  'build-openapi.mjs',
  'build-playground.mjs',
  'build-bundle.mjs',
  'build-redoc.mjs',
  'build-reference.mjs',
  'build-docs.mjs',
];

for (const script of SCRIPTS) {
  execFileSync(process.execPath, [join(ROOT, 'scripts', script), ...process.argv.slice(2)], {
    stdio: 'inherit',
    cwd: ROOT,
  });
}
