// Bundles the package root (dist/index.js, as tsc wrote it, with every module it imports) into one
// ES module, in place. Node loads one file instead of nine, which is most of a cold start; the
// declaration files stay as tsc wrote them. Run by `npm run build` after tsc.
// Run: node scripts/bundle-entry.mjs
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/contract.mjs';

const entry = join(ROOT, 'dist', 'index.js');
const result = await esbuild.build({
  stdin: {
    contents: readFileSync(entry, 'utf8'),
    resolveDir: join(ROOT, 'dist'),
    sourcefile: 'index.js',
    loader: 'js',
  },
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  // Whitespace and syntax only: names stay, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  banner: {
    js: '// Built by scripts/bundle-entry.mjs from src/index.ts (tsc output) and generated/validators.js. Do not edit.',
  },
  logLevel: 'warning',
  metafile: true,
});
const inputs = Object.keys(result.metafile.inputs);
if (inputs.some((file) => file.includes('node_modules')))
  throw new Error(`bundle-entry: a dependency got into the root bundle: ${inputs.join(', ')}`);
console.log(`bundle-entry: dist/index.js from ${inputs.length} modules`);
