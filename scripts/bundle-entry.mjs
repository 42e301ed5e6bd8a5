// Bundles the four entry points of the package, as tsc wrote them, in place: the root
// (dist/index.js), the matcher (dist/vitest.js), the test helpers (dist/testing.js) and the CLI
// (dist/cli/main.js). They are built together with code splitting, so a module two of them use is
// shipped once, in dist/chunks/; the package ships these bundles and chunks, not tsc's per-module files (which stay in dist/ for the
// repository's own tests and benchmark). Node loads a few files instead of a dozen, which is most
// of a cold start. The declaration files stay as tsc wrote them.
// The compiled validators, generated/validators.js, stay outside every bundle: each import of them
// becomes `#validators` (package.json "imports"), which resolves from any file of the package, so
// the root and the CLI load the one shipped module.
// Run: node scripts/bundle-entry.mjs
import * as esbuild from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './lib/contract.mjs';

const DIST = join(ROOT, 'dist');
const CHUNKS = join(DIST, 'chunks');
export const ENTRIES = ['index.js', 'vitest.js', 'testing.js', 'cli/main.js'];
const VALIDATORS = '#validators';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
if (pkg.imports?.[VALIDATORS] !== './generated/validators.js')
  throw new Error(`bundle-entry: package.json "imports" must map ${VALIDATORS} to ./generated/validators.js`);

// Chunks are named by their content's hash: old ones must not linger and be shipped.
rmSync(CHUNKS, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: ENTRIES.map((entry) => join(DIST, entry)),
  outdir: DIST,
  outbase: DIST,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['node:*', 'vitest'],
  // Whitespace and syntax only: names stay, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  banner: { js: '// Built by scripts/bundle-entry.mjs from src/ (tsc output). Do not edit.' },
  logLevel: 'warning',
  metafile: true,
  plugins: [
    {
      name: 'validators-external',
      setup(build) {
        build.onResolve({ filter: /\/generated\/validators\.js$/ }, () => ({ path: VALIDATORS, external: true }));
      },
    },
  ],
});

const { inputs, outputs } = result.metafile;
if (Object.keys(inputs).some((file) => file.includes('node_modules')))
  throw new Error(`bundle-entry: a dependency got into a bundle: ${Object.keys(inputs).join(', ')}`);

/** Every external import of an output and of the chunks it loads. */
function externalsOf(output, seen = new Set()) {
  const found = new Set();
  for (const { path, external } of outputs[output].imports) {
    if (external) found.add(path);
    else if (!seen.has(path)) for (const p of externalsOf(path, seen.add(path))) found.add(p);
  }
  return found;
}
// The root runs in browsers and workers: it may load the validators and nothing of Node's.
const rootOutput = relative(ROOT, join(DIST, 'index.js'));
const rootExternals = [...externalsOf(rootOutput)];
if (rootExternals.join() !== VALIDATORS)
  throw new Error(
    `bundle-entry: dist/index.js should import ${VALIDATORS} and nothing else: ${rootExternals.join(', ')}`,
  );
const chunks = Object.keys(outputs).filter((file) => file.includes('/chunks/'));
console.log(
  `bundle-entry: ${ENTRIES.join(', ')} from ${Object.keys(inputs).length} modules, ${chunks.length} shared chunk(s)`,
);
