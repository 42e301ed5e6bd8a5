// Bundles the package root (dist/index.js, as tsc wrote it, with every module it imports) into one
// ES module, in place. Node loads two files (it and the validators) instead of eleven, which is
// most of a cold start; the declaration files stay as tsc wrote them. Run by `npm run build` after tsc.
// The compiled validators, generated/validators.js, stay outside the bundle (imported as
// ../generated/validators.js): the CLI (dist/cli/*.js → dist/validate.js) loads that same module,
// so the package ships the validators' code once, and a process that loads both the root and the
// CLI modules holds one copy of them.
// Run: node scripts/bundle-entry.mjs
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/contract.mjs';

const entry = join(ROOT, 'dist', 'index.js');
const VALIDATORS = '../generated/validators.js'; // as dist/index.js imports it
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
    js: '// Built by scripts/bundle-entry.mjs from src/index.ts (tsc output); imports generated/validators.js. Do not edit.',
  },
  logLevel: 'warning',
  metafile: true,
  plugins: [
    {
      name: 'validators-external',
      setup(build) {
        // Every import of the validators (from dist/*.js) is the one shipped module, beside dist/.
        build.onResolve({ filter: /\/generated\/validators\.js$/ }, () => ({
          path: VALIDATORS,
          external: true,
        }));
      },
    },
  ],
});
const inputs = Object.keys(result.metafile.inputs);
if (inputs.some((file) => file.includes('node_modules')))
  throw new Error(`bundle-entry: a dependency got into the root bundle: ${inputs.join(', ')}`);
const imports = [
  ...new Set(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].imports.map((i) => i.path)),
];
if (imports.join() !== VALIDATORS)
  throw new Error(`bundle-entry: dist/index.js should import ${VALIDATORS} and nothing else: ${imports.join(', ')}`);
console.log(`bundle-entry: dist/index.js from ${inputs.length} modules, importing ${VALIDATORS}`);
