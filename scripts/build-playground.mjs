// Builds the validator playground of the docs site: docs/playground.html (the page, through the
// site's one layout), docs/playground.js (docs-src/playground/playground.ts and the package's own
// validators, bundled by esbuild into one IIFE) and docs/playground.css. The examples of the nine
// events are compiled into the bundle, so the page fetches nothing: it works from disk, offline,
// under the site's Content-Security-Policy (no eval, no inline script or style).
// Run: node scripts/build-playground.mjs
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES_DIR, ROOT, header, loadEvents, outDir, readJson, writeOutput } from './lib/contract.mjs';
import { browserBundle, escapeHtml, page, siteNav } from './lib/site.mjs';

const SCRIPT = 'scripts/build-playground.mjs';
const SOURCE = join(ROOT, 'docs-src', 'playground');
const dir = outDir('docs');
const events = loadEvents();

/** Each event's example, pretty-printed: the first examples/<event>*.json in name order. */
function examplesByEvent() {
  const files = readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const out = {};
  for (const { event } of events) {
    const file = files.find((f) => readJson(join(EXAMPLES_DIR, f)).event === event);
    if (!file) throw new Error(`build-playground: no example in examples/ for ${event}`);
    out[event] = `${JSON.stringify(readJson(join(EXAMPLES_DIR, file)), null, 2)}\n`;
  }
  return out;
}

const bundle = await browserBundle({
  entry: join(SOURCE, 'playground.ts'),
  script: SCRIPT,
  define: { __EXAMPLES__: JSON.stringify(examplesByEvent()) },
});
// The page runs under script-src 'self' without 'unsafe-eval': code that compiles strings would fail there.
if (/\beval\s*\(|new Function\b/.test(bundle))
  throw new Error('build-playground: the bundle compiles code at run time');
writeOutput(dir, 'playground.js', bundle);

const css = readFileSync(join(SOURCE, 'playground.css'), 'utf8');
writeOutput(dir, 'playground.css', `${header(SCRIPT, '/*').trim()} */\n${css}`);

const options = events.map(({ event }) => `<option value="${escapeHtml(event)}">${escapeHtml(event)}</option>`);
const body = readFileSync(join(SOURCE, 'playground.html'), 'utf8')
  .replace(/^<!-- [^>]*-->\n/gm, '')
  .replace('{{options}}', options.join('\n            '));
if (/\sstyle=|<style|<script(?![^>]*type="application\/json")/i.test(body))
  throw new Error('build-playground: the page body carries an inline style or script (the CSP would block it)');
writeOutput(
  dir,
  'playground.html',
  page({
    script: SCRIPT,
    file: 'playground.html',
    title: 'Validator playground',
    description: 'Validate a ChatSpark webhook payload in your browser with the package’s own validators.',
    body,
    nav: siteNav(),
    scripts: ['playground.js'],
    styles: ['playground.css'],
  }),
);
