// Builds the static docs site in docs/: the reference rendered by Redocly from
// generated/openapi.yaml (self-contained, no request leaves the page), and guide pages rendered
// from their own sources in docs-src/ (one Markdown file per page). Run: node scripts/build-docs.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Marked } from 'marked';
import { parse } from 'yaml';
import { ROOT, loadEvents, readJson, header, outDir, writeOutput } from './lib/contract.mjs';

const SCRIPT = 'scripts/build-docs.mjs';
const dir = outDir('docs');
const pkg = readJson(join(ROOT, 'package.json'));
const htmlHeader = `<!-- ${header(SCRIPT, '').trim()} -->\n`;

// ---- The reference, rendered by Redocly with its bundle inlined (works from disk, offline).
const tmp = mkdtempSync(join(tmpdir(), 'chatspark-docs-'));
const redocly = join(ROOT, 'node_modules', '.bin', 'redocly');
execFileSync(
  redocly,
  [
    'build-docs',
    join(ROOT, 'generated', 'openapi.yaml'),
    '--output',
    join(tmp, 'reference.html'),
    '--inlineBundle',
    '--title',
    `ChatSpark webhooks reference ${pkg.version}`,
    '--config',
    join(ROOT, 'redocly.yaml'),
    '--openapi.disableTelemetry=true',
    '--openapi.hideDownloadButtons=false',
    // Every level of an example open: with the profile's header parameters on each webhook, Redoc
    // otherwise folds the arrays of the payload samples (agent.updated's `changes`).
    '--openapi.jsonSamplesExpandLevel=all',
  ],
  {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  },
);
let reference = readFileSync(join(tmp, 'reference.html'), 'utf8');
rmSync(tmp, { recursive: true, force: true });
// Redoc shows its "API docs by Redocly" logo from a CDN: the one request that would leave the
// page. The attribution link stays; its image becomes an inline SVG of the word "Redocly".
const LOGO = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="16"><text x="0" y="12" font-family="sans-serif" font-size="12" fill="#888">Redocly</text></svg>')}`;
for (const url of ['https://cdn.redoc.ly/redoc/logo-mini-full.svg', 'https://cdn.redoc.ly/redoc/logo-mini.svg']) {
  if (!reference.includes(url)) throw new Error(`Redoc no longer loads ${url}: check the offline post-processing`);
  reference = reference.split(url).join(LOGO);
}
// Links are fine (they are followed only when clicked); resources loaded by the markup are not.
if (/(\ssrc=["']https?:|<link[^>]+href=["']https?:)/.test(reference.replace(/<script[\s\S]*?<\/script>/g, ''))) {
  throw new Error('the reference page loads something from another origin');
}
// A way back to the guides, in a bar above Redoc's own layout.
reference = reference.replace(
  /<body>/,
  `<body>\n  <nav style="font:14px/1.4 system-ui,sans-serif;padding:8px 16px;background:#0b3d91;color:#fff"><a href="index.html" style="color:#fff">← ChatSpark webhooks ${escapeHtml(pkg.version)}: guides</a></nav>`,
);
if (!reference.includes('index.html')) throw new Error('could not add the navigation bar to the reference');
writeOutput(dir, 'reference.html', `${htmlHeader}${reference}`);
copyFileSync(join(ROOT, 'generated', 'openapi.yaml'), join(dir, 'openapi.yaml'));

// ---- Guide pages, each from its own Markdown source in docs-src/ (the page's title is its first
// `# ` heading). A guide links other guides by their source file (`modes.md`), which becomes the
// page (`modes.html`), or absolute URLs; any other relative link fails the build, because the site
// is published on its own, without the repository around it. `<!-- include: FILE -->` on a line of
// its own inserts a generated Markdown file (its first line, the generated header, dropped).
const GUIDES = 'docs-src';
const PAGES = ['receiving', 'verifying', 'modes', 'contract-testing', 'local-development', 'decisions', 'security'].map(
  (name) => {
    const source = `${GUIDES}/${name}.md`;
    const markdown = readFileSync(join(ROOT, source), 'utf8')
      .replace(/^<!-- include: (\S+) -->$/gm, (_, file) =>
        readFileSync(join(ROOT, file), 'utf8').split('\n').slice(1).join('\n').trim(),
      )
      .replace(/<!-- [^>]*-->\n?/g, '');
    const title = /^# (.+)$/m.exec(markdown)?.[1];
    if (!title) throw new Error(`${source} has no "# " title`);
    return { file: `${name}.html`, source, title, markdown };
  },
);

const marked = new Marked({ gfm: true });
let current = '';
const renderer = {
  link({ href, tokens }) {
    const text = this.parser.parseInline(tokens);
    let target = href;
    if (!/^(https?:|mailto:|#)/.test(href)) {
      const [path, hash] = href.split('#');
      const page = PAGES.find((p) => `${p.source.slice(GUIDES.length + 1)}` === path);
      if (!page)
        throw new Error(`${current} links ${href}: a guide may link only other guides (x.md) or absolute URLs`);
      target = `${page.file}${hash ? `#${hash}` : ''}`;
    }
    return `<a href="${escapeHtml(target)}">${text}</a>`;
  },
};
marked.use({ renderer });

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
  :root { color-scheme: light; --ink: #1d2330; --muted: #5a6478; --accent: #0b3d91; --line: #dde2ea; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); display: grid; grid-template-columns: 260px 1fr; min-height: 100vh; }
  nav { background: #f4f6fa; border-right: 1px solid var(--line); padding: 24px 20px; }
  nav a { display: block; color: var(--ink); text-decoration: none; padding: 4px 0; }
  nav a[aria-current="page"] { color: var(--accent); font-weight: 600; }
  nav .brand { font-weight: 700; font-size: 18px; margin-bottom: 4px; }
  nav .version { color: var(--muted); font-size: 13px; margin-bottom: 20px; }
  main { padding: 32px 48px; max-width: 960px; }
  h1, h2, h3 { line-height: 1.25; }
  code { font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f1f3f7; padding: 1px 4px; border-radius: 4px; }
  pre { background: #0f1623; color: #e6edf7; padding: 16px; border-radius: 8px; overflow-x: auto; }
  pre code { background: none; padding: 0; color: inherit; }
  table { border-collapse: collapse; margin: 16px 0; }
  th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
  a { color: var(--accent); }
  footer { color: var(--muted); font-size: 13px; margin-top: 48px; border-top: 1px solid var(--line); padding-top: 12px; }
  @media (max-width: 800px) { body { grid-template-columns: 1fr; } nav { border-right: 0; border-bottom: 1px solid var(--line); } main { padding: 24px; } }
`;

function layout(file, title, body) {
  const links = [
    ['index.html', 'Overview'],
    ['reference.html', 'Event reference'],
    ...PAGES.map((p) => [p.file, p.title]),
  ]
    .map(([href, text]) => `<a href="${href}"${href === file ? ' aria-current="page"' : ''}>${escapeHtml(text)}</a>`)
    .join('\n    ');
  return `${htmlHeader}<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
  <title>${escapeHtml(title)} · ChatSpark webhooks ${escapeHtml(pkg.version)}</title>
  <style>${STYLE}</style>
</head>
<body>
  <nav aria-label="Docs">
    <div class="brand">ChatSpark webhooks</div>
    <div class="version">@chatspark/webhooks ${escapeHtml(pkg.version)}</div>
    ${links}
  </nav>
  <main>
${body}
    <footer>Built from <code>@chatspark/webhooks</code> ${escapeHtml(pkg.version)}: the AsyncAPI document and JSON Schemas are the source of truth; this site is generated from them.</footer>
  </main>
</body>
</html>
`;
}

for (const page of PAGES) {
  current = page.source;
  writeOutput(dir, page.file, layout(page.file, page.title, marked.parse(page.markdown)));
}

// ---- The landing page: what the site is, the nine events, and where to go.
const asyncapi = parse(readFileSync(join(ROOT, 'asyncapi.yaml'), 'utf8'));
const rows = loadEvents()
  .map(({ event, camel }) => {
    const message = asyncapi.components.messages[camel];
    return `<tr><td><a href="reference.html#/${escapeHtml(event)}/${camel.toLowerCase()}"><code>${escapeHtml(event)}</code></a></td><td>${escapeHtml(message.summary)}</td></tr>`;
  })
  .join('\n      ');
const landing = `    <h1>ChatSpark webhooks</h1>
    <p>Every webhook event ChatSpark emits, each a JSON envelope <code>{ event, timestamp, data }</code> posted to your endpoint. This site documents version <strong>${escapeHtml(pkg.version)}</strong> of the contract package <code>@chatspark/webhooks</code>.</p>
    <ul>
      <li><a href="reference.html">Event reference</a>: every event, every field with its type, format and whether it is required, and the example payloads.</li>
${PAGES.map((p) => `      <li><a href="${p.file}">${escapeHtml(p.title)}</a></li>`).join('\n')}
      <li>Machine-readable: <a href="openapi.yaml">openapi.yaml</a>, an OpenAPI 3.1 <code>webhooks</code> view generated from the package's <code>asyncapi.yaml</code> and JSON Schemas (<code>@chatspark/webhooks/asyncapi.yaml</code>, <code>@chatspark/webhooks/schemas/&lt;event&gt;.json</code>).</li>
    </ul>
    <h2>Events</h2>
    <table>
      <thead><tr><th>Event</th><th>Emitted when</th></tr></thead>
      <tbody>
      ${rows}
      </tbody>
    </table>
    <h2>Install</h2>
    <pre><code>npm install @chatspark/webhooks</code></pre>`;
writeOutput(dir, 'index.html', layout('index.html', 'Overview', landing));
