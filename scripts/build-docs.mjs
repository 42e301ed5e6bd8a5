// Builds the docs site's guide pages, its landing page and the files every page shares: site.css,
// site.js (copy buttons and search, bundled from docs-src/site/) and search-index.js (every
// section of every guide, every event and field). The event reference, the playground and the
// OpenAPI view have scripts of their own (build-reference, build-playground, build-redoc).
// Run: node scripts/build-docs.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import GithubSlugger from 'github-slugger';
import { Marked } from 'marked';
import { parse } from 'yaml';
import { ROOT, eventFields, header, loadEvents, outDir, writeOutput } from './lib/contract.mjs';
import { GUIDES_DIR, browserBundle, escapeHtml, loadGuides, page, pkg, renderMarkdown, siteNav } from './lib/site.mjs';

const SCRIPT = 'scripts/build-docs.mjs';
const dir = outDir('docs');
const guides = loadGuides();
const nav = siteNav();

// ---- Guide pages. A guide links other guides by their source file (`modes.md`), which becomes
// the page (`modes.html`), or absolute URLs; any other relative link fails the build, because the
// site is published on its own, without the repository around it.
function linkResolver(source) {
  return (href) => {
    if (/^(https?:|mailto:|#)/.test(href)) return href;
    const [path, hash] = href.split('#');
    const guide = guides.find((g) => g.source === `${GUIDES_DIR}/${path}`);
    if (!guide) throw new Error(`${source} links ${href}: a guide may link only other guides (x.md) or absolute URLs`);
    return `${guide.file}${hash ? `#${hash}` : ''}`;
  };
}

const searchEntries = [];
for (const guide of guides) {
  const { html } = renderMarkdown(guide.markdown, linkResolver(guide.source));
  writeOutput(dir, guide.file, page({ script: SCRIPT, file: guide.file, title: guide.title, body: html, nav }));
  searchEntries.push(...sectionsOf(guide));
}

/** A guide's sections for the search index: each heading with the plain text under it. */
function sectionsOf(guide) {
  const slugger = new GithubSlugger();
  const sections = [];
  for (const token of new Marked({ gfm: true }).lexer(guide.markdown)) {
    if (token.type === 'heading') {
      const id = slugger.slug(token.text.replace(/<[^>]*>/g, ''));
      const url = token.depth === 1 ? guide.file : `${guide.file}#${id}`;
      sections.push({ url, page: guide.title, title: plain(token.text), text: '' });
    } else if (sections.length > 0 && token.type !== 'space') {
      sections.at(-1).text += ` ${plain(token.raw)}`;
    }
  }
  return sections;
}

/** Markdown as words: no markup, code kept as its text, whitespace collapsed. */
function plain(markdown) {
  return markdown
    .replace(/```\w*/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`#>|]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// ---- The landing page: what the site is, the nine events, and where to go.
const asyncapi = parse(readFileSync(join(ROOT, 'asyncapi.yaml'), 'utf8'));
const events = loadEvents();
const rows = events
  .map(({ event, camel }) => {
    const message = asyncapi.components.messages[camel];
    return `<tr><th scope="row"><a href="reference.html#${escapeHtml(event)}"><code>${escapeHtml(event)}</code></a></th><td>${escapeHtml(message.summary)}</td></tr>`;
  })
  .join('\n          ');
const landing = `    <h1>ChatSpark webhooks</h1>
    <p>Every webhook event ChatSpark emits, each a JSON envelope <code>{ event, timestamp, data }</code> posted to your endpoint. This site documents version <strong>${escapeHtml(pkg.version)}</strong> of the contract package <code>@chatspark/webhooks</code>: types, validators and a typed receiver for your endpoint, and a CLI to test one.</p>
    <h2 id="start">Start here</h2>
    <ul>
      <li><a href="reference.html">Event reference</a>: every event and field, its example, and typed code to receive it.</li>
      <li><a href="playground.html">Validator playground</a>: paste a payload you captured and see what is wrong with it, in your browser.</li>
${guides.map((g) => `      <li><a href="${g.file}">${escapeHtml(g.title)}</a></li>`).join('\n')}
      <li>Machine-readable: <a href="openapi.yaml">openapi.yaml</a>, an OpenAPI 3.1 <code>webhooks</code> view (also <a href="openapi.html">rendered by Redoc</a>), generated from the package's <code>asyncapi.yaml</code> and JSON Schemas (<code>@chatspark/webhooks/asyncapi.yaml</code>, <code>@chatspark/webhooks/schemas/&lt;event&gt;.json</code>).</li>
    </ul>
    <h2 id="events">Events</h2>
    <div class="table" tabindex="0" role="region" aria-label="Events">
      <table>
        <thead><tr><th scope="col">Event</th><th scope="col">Emitted when</th></tr></thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>
    <h2 id="install">Install</h2>
    <figure class="code"><pre tabindex="0"><code class="hljs language-bash">npm install @chatspark/webhooks</code></pre></figure>`;
writeOutput(
  dir,
  'index.html',
  page({
    script: SCRIPT,
    file: 'index.html',
    title: 'Overview',
    body: landing,
    nav,
    description: 'The ChatSpark webhooks contract: every event, typed code, a validator playground and guides.',
  }),
);

// ---- The search index: guide sections, then each event and each of its fields.
for (const { event, schema, camel } of events) {
  const message = asyncapi.components.messages[camel];
  searchEntries.push({
    url: `reference.html#${event}`,
    page: 'Event reference',
    title: event,
    text: `${message.summary} ${message.description}`,
  });
  for (const { path, field } of eventFields(schema)) {
    searchEntries.push({
      url: `reference.html#${event}.${path}`,
      page: `Event reference: ${event}`,
      title: path,
      text: plain(field.description ?? ''),
    });
  }
}
const index = searchEntries.map((entry, id) => ({ id, ...entry }));
writeOutput(dir, 'search-index.js', `${header(SCRIPT)}window.chatsparkSearchIndex = ${JSON.stringify(index)};\n`);

// ---- The shared stylesheet and script.
writeOutput(
  dir,
  'site.css',
  `/* ${header(SCRIPT, '').trim()} */\n${readFileSync(join(ROOT, GUIDES_DIR, 'site', 'site.css'), 'utf8')}`,
);
writeOutput(dir, 'site.js', await browserBundle({ entry: join(ROOT, GUIDES_DIR, 'site', 'site.ts'), script: SCRIPT }));
