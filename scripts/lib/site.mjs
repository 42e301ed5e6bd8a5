// The docs site's one layout and one Markdown renderer, shared by every script that writes a page
// into docs/ (build-docs, build-reference, build-playground). Pages carry no inline script or
// style: one stylesheet (site.css) and one script (site.js, copy buttons and search) serve every
// page, so each can run under a Content-Security-Policy without 'unsafe-inline'.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import typescript from 'highlight.js/lib/languages/typescript';
import yaml from 'highlight.js/lib/languages/yaml';
import plaintext from 'highlight.js/lib/languages/plaintext';
import GithubSlugger from 'github-slugger';
import { Marked } from 'marked';
import * as esbuild from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, header, readJson } from './contract.mjs';

export const pkg = readJson(join(ROOT, 'package.json'));

/** The site's icon, inline (a browser asks a server for /favicon.ico otherwise, and gets a 404). */
export const ICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b3d91"/><path d="M9 2 4 9h3l-1 5 5-7H8z" fill="#fff"/></svg>')}`;

/** The policy every page carries: scripts and styles only from the site's own files. */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:";

hljs.registerLanguage('bash', bash);
hljs.registerLanguage('json', json);
hljs.registerLanguage('python', python);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('yaml', yaml);
hljs.registerLanguage('plaintext', plaintext);
/** Fence names as the sources write them, mapped to the highlighter's languages. */
const LANGUAGES = {
  ts: 'typescript',
  typescript: 'typescript',
  mts: 'typescript',
  js: 'typescript',
  javascript: 'typescript',
  sh: 'bash',
  bash: 'bash',
  shell: 'bash',
  console: 'bash',
  json: 'json',
  jsonc: 'json',
  ndjson: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  python: 'python',
  py: 'python',
};

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Highlights code at build time: classes only (the colours live in site.css), nothing for the browser to load. */
export function highlight(code, lang) {
  const language = LANGUAGES[String(lang).toLowerCase()] ?? 'plaintext';
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

/** A code block as every page shows it: highlighted, in a box that scrolls on its own, with a copy button (site.js). */
export function codeBlock(code, lang, label = '') {
  const caption = label ? `<figcaption>${escapeHtml(label)}</figcaption>` : '';
  return `<figure class="code">${caption}<pre tabindex="0"><code class="hljs language-${escapeHtml(lang || 'text')}">${highlight(code.replace(/\n$/, ''), lang)}</code></pre></figure>`;
}

/**
 * Renders one guide page's Markdown: GitHub's heading ids (duplicates numbered) with a visible
 * anchor link, code highlighted at build time, wide tables in a box of their own, and links
 * resolved by `resolveLink(href)` (which may throw, to fail the build on a link the published
 * site could not follow). Returns the HTML and the page's sections, for the search index.
 */
export function renderMarkdown(markdown, resolveLink) {
  const slugger = new GithubSlugger();
  const sections = [];
  const marked = new Marked({ gfm: true });
  marked.use({
    renderer: {
      code({ text, lang }) {
        return codeBlock(text, (lang ?? '').split(/\s/)[0]);
      },
      heading({ tokens, depth, text }) {
        const id = slugger.slug(text.replace(/<[^>]*>/g, ''));
        const inner = this.parser.parseInline(tokens);
        sections.push({ id, depth, title: inner.replace(/<[^>]*>/g, '') });
        if (depth === 1) return `<h1 id="${id}">${inner}</h1>\n`;
        return `<h${depth} id="${id}">${inner} <a class="anchor" href="#${id}" aria-label="Link to this section">#</a></h${depth}>\n`;
      },
      link({ href, tokens }) {
        return `<a href="${escapeHtml(resolveLink(href))}">${this.parser.parseInline(tokens)}</a>`;
      },
    },
  });
  const html = marked
    .parse(markdown)
    .replace(/<table>/g, '<div class="table" tabindex="0"><table>')
    .replace(/<\/table>/g, '</table></div>');
  return { html, sections };
}

/**
 * Bundles one of the site's browser scripts: one minified IIFE with the generated header of
 * `script`, then a line naming each third-party package it carries with its version, licence and
 * copyright line (what the MIT licence asks a copy to keep; the packages' own files have no comment
 * esbuild would keep). `define` replaces globals at build time (data baked into the bundle).
 */
export async function browserBundle({ entry, script, define = {} }) {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    define,
    logLevel: 'warning',
  });
  const packages = new Set(
    Object.keys(result.metafile.inputs)
      .map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1])
      .filter(Boolean),
  );
  const notices = [...packages].sort().map((name) => {
    const dir = join(ROOT, 'node_modules', name);
    const { version, license } = readJson(join(dir, 'package.json'));
    const licenseFile = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
    const copyright = licenseFile && /^.*Copyright.*$/m.exec(readFileSync(join(dir, licenseFile), 'utf8'))?.[0].trim();
    return `${name} ${version} (${license}${copyright ? `, ${copyright}` : ''})`;
  });
  const bundled = notices.length > 0 ? `// Bundles ${notices.join('; ')}.\n` : '';
  return `${header(script)}${bundled}${result.outputFiles[0].text}`;
}

/** The guides, in the navigation's order: each page is docs-src/<name>.md rendered into docs/<name>.html. */
export const GUIDES_DIR = 'docs-src';
export const GUIDE_NAMES = [
  'receiving',
  'verifying',
  'modes',
  'contract-testing',
  'local-development',
  'decisions',
  'security',
];

/**
 * The guides' sources, read: the page's title is its first `# ` heading; `<!-- include: FILE -->`
 * on a line of its own inserts a generated Markdown file (its first line, the generated header,
 * dropped); other comments are dropped.
 */
export function loadGuides() {
  return GUIDE_NAMES.map((name) => {
    const source = `${GUIDES_DIR}/${name}.md`;
    const markdown = readFileSync(join(ROOT, source), 'utf8')
      .replace(/^<!-- include: (\S+) -->$/gm, (_, file) =>
        readFileSync(join(ROOT, file), 'utf8').split('\n').slice(1).join('\n').trim(),
      )
      .replace(/<!-- [^>]*-->\n?/g, '');
    const title = /^# (.+)$/m.exec(markdown)?.[1];
    if (!title) throw new Error(`${source} has no "# " title`);
    return { name, file: `${name}.html`, source, title, markdown };
  });
}

/** Every page of the site in the navigation's order, as [file, title]. */
export function siteNav() {
  return [
    ['index.html', 'Overview'],
    ['reference.html', 'Event reference'],
    ['playground.html', 'Validator playground'],
    ...loadGuides().map((g) => [g.file, g.title]),
    ['openapi.html', 'OpenAPI view (Redoc)'],
  ];
}

const htmlHeader = (script) => `<!-- ${header(script, '').trim()} -->\n`;

/**
 * One page of the site, written by `script` (named in the page's generated header). `nav` is
 * siteNav() (passed in, so a script reads the guides once); `scripts` and `styles` are extra files
 * of the site's own, loaded after site.js (deferred) and site.css.
 */
export function page({ script, file, title, body, nav, scripts = [], styles = [], description = '' }) {
  const links = nav
    .map(
      ([href, text]) =>
        `<li><a href="${href}"${href === file ? ' aria-current="page"' : ''}>${escapeHtml(text)}</a></li>`,
    )
    .join('\n        ');
  const extra = [
    ...styles.map((href) => `\n  <link rel="stylesheet" href="${escapeHtml(href)}">`),
    ...scripts.map((src) => `\n  <script src="${escapeHtml(src)}" defer></script>`),
  ].join('');
  const meta = description ? `\n  <meta name="description" content="${escapeHtml(description)}">` : '';
  return `${htmlHeader(script)}<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="${CSP}">${meta}
  <title>${escapeHtml(title)} · ChatSpark webhooks ${escapeHtml(pkg.version)}</title>
  <link rel="icon" href="${ICON}">
  <link rel="stylesheet" href="site.css">
  <script src="site.js" defer></script>${extra}
</head>
<body>
  <a class="skip" href="#content">Skip to content</a>
  <header class="site">
    <a class="brand" href="index.html">ChatSpark webhooks</a>
    <span class="version">@chatspark/webhooks ${escapeHtml(pkg.version)}</span>
    <form class="search" role="search" action="index.html">
      <label for="site-search" class="visually-hidden">Search the docs</label>
      <input id="site-search" name="q" type="search" placeholder="Search the docs" autocomplete="off" aria-controls="search-results" aria-describedby="search-status">
      <p id="search-status" class="visually-hidden" aria-live="polite"></p>
      <ul id="search-results" class="search-results" hidden></ul>
    </form>
  </header>
  <div class="layout">
    <nav aria-label="Docs">
      <ul>
        ${links}
      </ul>
    </nav>
    <main id="content">
${body}
      <footer>Built from <code>@chatspark/webhooks</code> ${escapeHtml(pkg.version)}: the AsyncAPI document and JSON Schemas are the source of truth; this site is generated from them.</footer>
    </main>
  </div>
</body>
</html>
`;
}
