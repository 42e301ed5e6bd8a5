// Builds docs/openapi.html: the OpenAPI view (generated/openapi.yaml) rendered by Redocly, with its
// bundle inlined so it works from disk, offline; and docs/openapi.yaml beside it. The event
// reference (reference.html) is the site's fast page; this one is the interactive view, with the
// same code samples (x-codeSamples). Run: node scripts/build-redoc.mjs
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT, header, outDir, writeOutput } from './lib/contract.mjs';
import { ICON, escapeHtml, pkg } from './lib/site.mjs';

const SCRIPT = 'scripts/build-redoc.mjs';

// Redoc's default theme fails WCAG AA contrast in a few greys and blues (axe-core finds them): its
// theme variables are set darker, each to at least 4.5:1 on the backgrounds Redoc puts them on.
// Its viewport also forbids zooming (maximum-scale), which low-vision readers need: that is dropped.
const ACCESSIBLE = `<style>
  :root, .light, html {
    --color-warm-grey-5: #5f6070; --color-warm-grey-7: #5f6070;
    --color-brand-4: #5f6070; --color-brand-5: #5f6070; --color-brand-10: #5f6070;
    --color-blue-5: #1f5bc0; --color-blue-6: #0b5ad0; --color-blue-7: #1f5bc0;
  }
  html:root .tag-post { --tag-color: #1450c8; }
</style>
`;
// A code sample wider than its panel scrolls, and a region that scrolls must be reachable from the
// keyboard (WCAG 2.1.1): each <pre> Redoc renders gets tabindex="0".
const FOCUSABLE_CODE = `<script>
  new MutationObserver(() => {
    for (const pre of document.querySelectorAll('pre:not([tabindex])')) pre.tabIndex = 0;
  }).observe(document.body, { childList: true, subtree: true });
</script>
`;
const dir = outDir('docs');

// Redoc 3 shows x-codeSamples beside paths but not beside webhooks (its webhook panel offers the
// payload only), so the copy it renders carries each webhook's samples in its description too.
const openapi = parse(readFileSync(join(ROOT, 'generated', 'openapi.yaml'), 'utf8'));
for (const { post } of Object.values(openapi.webhooks)) {
  const code = post['x-codeSamples'].map(({ lang, label, source }) => {
    const fence = lang === 'Shell' ? 'bash' : 'ts';
    return `**${label}** (${lang})\n\n\`\`\`${fence}\n${source}\`\`\``;
  });
  post.description += `\n\n## Code\n\n${code.join('\n\n')}`;
}
const tmp = mkdtempSync(join(tmpdir(), 'chatspark-docs-'));
writeFileSync(join(tmp, 'openapi.yaml'), stringify(openapi, { lineWidth: 0 }));
execFileSync(
  join(ROOT, 'node_modules', '.bin', 'redocly'),
  [
    'build-docs',
    join(tmp, 'openapi.yaml'),
    '--output',
    join(tmp, 'openapi.html'),
    '--inlineBundle',
    '--title',
    `ChatSpark webhooks OpenAPI view ${pkg.version}`,
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
let html = readFileSync(join(tmp, 'openapi.html'), 'utf8');
rmSync(tmp, { recursive: true, force: true });

// Redoc shows its "API docs by Redocly" logo from a CDN: the one request that would leave the
// page. The attribution link stays; its image becomes an inline SVG of the word "Redocly".
const LOGO = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="16"><text x="0" y="12" font-family="sans-serif" font-size="12" fill="#595959">Redocly</text></svg>')}`;
for (const url of ['https://cdn.redoc.ly/redoc/logo-mini-full.svg', 'https://cdn.redoc.ly/redoc/logo-mini.svg']) {
  if (!html.includes(url)) throw new Error(`Redoc no longer loads ${url}: check the offline post-processing`);
  html = html.split(url).join(LOGO);
}
// Links are fine (they are followed only when clicked); resources loaded by the markup are not.
if (/(\ssrc=["']https?:|<link[^>]+href=["']https?:)/.test(html.replace(/<script[\s\S]*?<\/script>/g, ''))) {
  throw new Error('the OpenAPI view loads something from another origin');
}
html = html.replace(/,\s*maximum-scale=1(\.0)?/, '');
if (/maximum-scale/.test(html.slice(0, 2000))) throw new Error('the OpenAPI view still forbids zooming');
// A way back to the site, in a bar above Redoc's own layout (a landmark of its own).
html = html.replace(
  /<body>/,
  `<body>\n  <nav aria-label="Site" style="font:14px/1.4 system-ui,sans-serif;padding:8px 16px;background:#0b3d91;color:#fff"><a href="index.html" style="color:#fff">← ChatSpark webhooks ${escapeHtml(pkg.version)}</a> · <a href="reference.html" style="color:#fff">Event reference</a></nav>`,
);
if (!html.includes('index.html')) throw new Error('could not add the navigation bar to the OpenAPI view');
// The first </head> is the page's; the bundle's own strings hold a `</body>`, so the page's is the last.
html = html.replace('</head>', `<link rel="icon" href="${ICON}">\n${ACCESSIBLE}</head>`);
const end = html.lastIndexOf('</body>');
html = `${html.slice(0, end)}${FOCUSABLE_CODE}${html.slice(end)}`;
writeOutput(dir, 'openapi.html', `<!-- ${header(SCRIPT, '').trim()} -->\n${html}`);
copyFileSync(join(ROOT, 'generated', 'openapi.yaml'), join(dir, 'openapi.yaml'));
