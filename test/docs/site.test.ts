// How the docs site behaves for a reader, in a real headless Chromium: code highlighted at build
// time with a copy button on every block, headings with anchors, search over the guides and the
// events from any page, no page wider than the screen from 360 to 1440 px, every page clean under
// axe-core (WCAG 2 A/AA: no serious or critical violation) and under its own CSP, the event
// reference within its render budget, and the newcomer's path on a phone (issue 16's "Done when").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { pageRenderTime } from '../../bench/lib/docs-render.mjs';
import { ROOT } from '../helpers.js';
import {
  ARTIFACTS,
  DOCS,
  SITE_PAGES,
  fileUrl,
  hasChromium,
  openPage,
  requireChromium,
  useDocsBrowser,
} from '../support/docs-browser.js';

requireChromium('the docs site');

/** The site's own pages (the OpenAPI view is Redoc's page, with Redoc's inline script). */
const OWN_PAGES = SITE_PAGES.filter((file) => file !== 'openapi.html');
const GUIDES = OWN_PAGES.filter((file) => !['index.html', 'reference.html', 'playground.html'].includes(file));
/** The scripts a page of the site may load: its own files, nothing else (no highlighter, no CDN). */
const SITE_SCRIPTS = ['site.js', 'search-index.js', 'playground.js'];
const WIDTHS = [360, 390, 768, 1024, 1440];
const openapi = parse(readFileSync(join(ROOT, 'generated/openapi.yaml'), 'utf8'));
const sampleOf = (event: string, label: string): string =>
  openapi.webhooks[event].post['x-codeSamples'].find((s: { label: string }) => s.label === label).source;

/** Redoc hydrates after load: its search box says "Loading..." until then. */
async function settled(page: Page, file: string): Promise<void> {
  if (file !== 'openapi.html') return;
  await page.waitForFunction(() => !document.body.innerText.includes('Loading...'), null, { timeout: 60_000 });
}

describe('the search index', () => {
  it('every entry leads somewhere: its page is on the site and its #fragment is an id on that page', () => {
    const source = readFileSync(join(DOCS, 'search-index.js'), 'utf8');
    const entries = JSON.parse(/window\.chatsparkSearchIndex = (.*);\n$/s.exec(source)![1]!) as { url: string }[];
    expect(entries.length).toBeGreaterThan(100);
    const ids = new Map<string, Set<string>>();
    const idsOf = (file: string) => {
      if (!ids.has(file)) {
        const html = readFileSync(join(DOCS, file), 'utf8');
        ids.set(file, new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))))));
      }
      return ids.get(file)!;
    };
    const lost = entries.filter(({ url }) => {
      const [file, fragment] = url.split('#') as [string, string | undefined];
      return !SITE_PAGES.includes(file) || (fragment !== undefined && !idsOf(file).has(fragment));
    });
    expect(lost).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('the docs site', () => {
  const docs = useDocsBrowser();

  it('code is highlighted when the site is built: coloured spans in the HTML, and no page loads a highlighter or any script but its own', async () => {
    let highlighted = 0;
    for (const file of OWN_PAGES) {
      const html = readFileSync(join(DOCS, file), 'utf8');
      const blocks = [...html.matchAll(/<pre[^>]*>([\s\S]*?)<\/pre>/g)].map((m) => m[1]!);
      // Every code block sits in the figure that gets the copy button, and (but one-liners) has colour.
      expect(blocks.length, file).toBe(html.match(/<figure class="code">/g)?.length ?? 0);
      for (const block of blocks.filter((b) => b.includes('\n'))) expect(block, file).toContain('<span class="hljs-');
      highlighted += blocks.filter((b) => b.includes('<span class="hljs-')).length;
    }
    expect(highlighted).toBeGreaterThan(40);
    for (const file of OWN_PAGES) {
      const { page, errors, foreign } = await openPage(docs.browser, fileUrl(file));
      const scripts = await page.$$eval('script[src]', (all) => all.map((s) => s.getAttribute('src')));
      for (const src of scripts) expect(SITE_SCRIPTS, `${file} loads ${src}`).toContain(src);
      expect(await page.locator('script:not([src]):not([type="application/json"])').count(), `${file}: inline script`).toBe(0);
      expect(await page.locator('[style]').count(), `${file}: inline style`).toBe(0);
      expect(errors, file).toEqual([]);
      expect(foreign, file).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it('every page of the site runs under a CSP without unsafe-inline or unsafe-eval scripts, and nothing violates it', async () => {
    for (const file of OWN_PAGES) {
      const { page, violations } = await openPage(docs.browser, fileUrl(file));
      const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      const scriptSrc = csp!.split(';').find((d) => /^\s*(script-src|default-src)/.test(d) && d.includes('script-src'));
      expect(scriptSrc, file).toBe(" script-src 'self'");
      // Use what scripts the page has: the search loads its index, a copy button writes.
      await page.locator('#site-search').fill('webhook');
      await expect.poll(() => page.locator('#search-results li').count(), { message: file }).toBeGreaterThan(0);
      expect(await violations(), file).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it('every code block has a copy button that copies exactly its code', async () => {
    const context = await docs.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: docs.server.base.replace(/\/$/, '') });
    const page = await context.newPage();
    for (const file of ['reference.html', 'receiving.html']) {
      await page.goto(`${docs.server.base}${file}`);
      const figures = page.locator('figure.code');
      const count = await figures.count();
      expect(await page.locator('figure.code button.copy').count(), file).toBe(count);
      for (const index of [0, Math.floor(count / 2), count - 1]) {
        const figure = figures.nth(index);
        await figure.locator('button.copy').click();
        await expect.poll(() => figure.locator('button.copy').innerText()).toBe('Copied');
        expect(await page.evaluate(() => navigator.clipboard.readText()), `${file} block ${index}`).toBe(
          await figure.locator('pre').textContent(),
        );
      }
    }
    await context.close();
  }, 60_000);

  it("headings carry their GitHub-style id and an anchor link, and an anchor's URL opens at its heading", async () => {
    // security.md is one section (README.md carries it byte for byte), so it has no h2 to anchor.
    for (const file of GUIDES.filter((f) => f !== 'security.html')) {
      const { page } = await openPage(docs.browser, fileUrl(file));
      const headings = await page.$$eval('main h2, main h3', (all) =>
        all.map((h) => ({ id: h.id, anchor: h.querySelector('a.anchor')?.getAttribute('href') })),
      );
      expect(headings.length, file).toBeGreaterThan(0);
      for (const { id, anchor } of headings) expect(anchor, `${file} #${id}`).toBe(`#${id}`);
      expect(new Set(headings.map((h) => h.id)).size, `${file}: ids are unique`).toBe(headings.length);
      await page.close();
    }
    const id = 'the-typed-receiver';
    const { page } = await openPage(docs.browser, `${fileUrl('receiving.html')}#${id}`, { viewport: { width: 1280, height: 700 } });
    const top = await page.locator(`[id="${id}"]`).evaluate((h) => h.getBoundingClientRect().top);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(100);
    await page.close();
  }, 60_000);

  it('search from the landing page finds guide sections, events and fields; Enter on any page searches from the landing page', async () => {
    const { page, errors } = await openPage(docs.browser, fileUrl('index.html'));
    const results = async (query: string) => {
      await page.locator('#site-search').fill(query);
      await expect.poll(() => page.locator('#search-results li').count(), { message: query }).toBeGreaterThan(0);
      return page.$$eval('#search-results a', (all) => all.map((a) => a.getAttribute('href') ?? ''));
    };
    expect(await results('Retry-After')).toEqual(expect.arrayContaining([expect.stringMatching(/^(receiving|verifying)\.html#/)]));
    expect((await results('data.email'))[0]).toBe('reference.html#lead.captured.data.email');
    expect(await results('lead.captured')).toContain('reference.html#lead.captured');
    expect(await results('forward-to')).toEqual(expect.arrayContaining([expect.stringMatching(/^local-development\.html/)]));
    expect(await page.locator('#search-status').innerText()).toMatch(/^\d+ results?$/);
    // The keyboard: down into the results, Escape back to the box.
    await page.locator('#site-search').press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.closest('#search-results') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('site-search');
    await page.locator('#site-search').fill('nothing-matches-this-zzzz');
    await expect.poll(() => page.locator('#search-status').innerText()).toMatch(/^No results/);
    expect(errors).toEqual([]);
    await page.close();

    const guide = await openPage(docs.browser, fileUrl('modes.html'));
    await guide.page.locator('#site-search').fill('signature');
    await guide.page.locator('#site-search').press('Enter');
    await expect.poll(() => guide.page.url()).toMatch(/index\.html\?q=signature$/);
    await expect.poll(() => guide.page.locator('#search-results li').count()).toBeGreaterThan(0);
    await guide.page.close();
  }, 60_000);

  it('no page is wider than the screen, from 360 to 1440 px', async () => {
    const overflowing: string[] = [];
    for (const width of WIDTHS) {
      const context = await docs.browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      for (const file of SITE_PAGES) {
        await page.goto(fileUrl(file), { waitUntil: 'load' });
        await settled(page, file);
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        if (scrollWidth > innerWidth) overflowing.push(`${file} at ${width} px: ${scrollWidth} px wide`);
      }
      if (width === 390) await page.goto(fileUrl('reference.html')).then(() => page.screenshot({ path: join(ARTIFACTS, 'docs-reference-390.png') }));
      await context.close();
    }
    expect(overflowing).toEqual([]);
  }, 180_000);

  it('every page passes axe-core (WCAG 2.0/2.1 A and AA): no serious or critical violation, on a desktop and on a phone', async () => {
    const found: string[] = [];
    const check = async (page: Page, where: string) => {
      // preload off: axe would fetch the stylesheets again to read them, which the pages' CSP (connect-src 'none') refuses.
      const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).options({ preload: false }).analyze();
      for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
        found.push(`${where}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    };
    for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
      // Every page on the desktop (Redoc's at rest and with an event open). On the phone, one page of
      // each layout (the guides share one; Redoc's stacks the same components): axe costs seconds a page.
      for (const file of viewport.width > 800 ? SITE_PAGES : ['index.html', 'reference.html', 'playground.html', 'receiving.html']) {
        const { page } = await openPage(docs.browser, fileUrl(file), { viewport });
        await settled(page, file);
        await check(page, `${file} at ${viewport.width} px`);
        if (file === 'openapi.html') {
          // An event opened: its fields, headers, payload sample and code.
          await page.goto(`${fileUrl(file)}#/lead.captured/leadcaptured`);
          await expect.poll(() => page.evaluate(() => document.body.innerText.includes('jane@example.com')), { timeout: 20_000 }).toBe(true);
          await check(page, `${file}#lead.captured at ${viewport.width} px`);
        }
        await page.close();
      }
    }
    expect(found).toEqual([]);
  }, 300_000);

  it('the event reference renders from disk within its budget: small, static, and far faster than the Redoc view', async () => {
    const html = readFileSync(join(DOCS, 'reference.html'));
    expect(html.length).toBeLessThan(200 * 1024);
    const { page } = await openPage(docs.browser, fileUrl('reference.html'));
    expect(await page.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThan(8000);
    const scripts = await page.$$eval('script[src]', (all) => all.map((s) => s.getAttribute('src')));
    expect(scripts).toEqual(['site.js']);
    await page.close();
    // Side by side in the same browser, so the machine's load cancels out: a large regression
    // (the reference growing a client-side renderer) would bring the ratio near 1.
    const times = { reference: [] as number[], redoc: [] as number[] };
    for (let round = 0; round < 3; round++) {
      times.reference.push(await pageRenderTime(docs.browser, fileUrl('reference.html')));
      times.redoc.push(await pageRenderTime(docs.browser, fileUrl('openapi.html'), { redoc: true }));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    console.log(`docs render from disk: reference.html ${median(times.reference).toFixed(0)} ms, openapi.html (Redoc) ${median(times.redoc).toFixed(0)} ms`);
    expect(median(times.reference) / median(times.redoc)).toBeLessThan(0.5);
  }, 180_000);

  it('on a phone, a newcomer finds lead.captured, copies its typed receiver, pastes a captured payload into the playground and sees what is wrong', async () => {
    const context = await docs.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: docs.server.base.replace(/\/$/, '') });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

    // Find the event: search from the landing page.
    await page.goto(`${docs.server.base}index.html`);
    expect(await fits()).toBe(true);
    await page.locator('#site-search').tap();
    await page.locator('#site-search').pressSequentially('lead.captured');
    const hit = page.locator('#search-results a[href="reference.html#lead.captured"]');
    await expect.poll(() => hit.count()).toBe(1);
    await hit.tap();
    await expect.poll(() => page.url()).toMatch(/reference\.html#lead\.captured$/);
    const section = page.locator('section[aria-labelledby="lead.captured"]');
    expect(await section.locator('h2').isVisible()).toBe(true);
    expect(await fits()).toBe(true);

    // Copy the typed receiver.
    const copy = section.getByRole('button', { name: 'Copy code: Receiver (TypeScript)' });
    await copy.scrollIntoViewIfNeeded();
    await copy.tap();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(sampleOf('lead.captured', 'Receiver').replace(/\n$/, ''));
    expect(copied).toContain("import { createWebhookReceiver, type LeadCapturedData, type LeadCapturedEvent } from '@chatspark/webhooks';");
    expect(copied).toContain(".on('lead.captured', (event: LeadCapturedEvent) => {");

    // Paste a captured payload into the playground: a real paste, from the clipboard.
    await section.getByRole('link', { name: 'validate a payload in the playground' }).tap();
    await expect.poll(() => page.url()).toMatch(/playground\.html\?event=lead\.captured$/);
    const captured = JSON.parse(readFileSync(join(ROOT, 'examples/lead.captured.json'), 'utf8'));
    captured.data.email = 'jane.example.com';
    await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(captured, null, 2));
    await page.locator('#pg-payload').tap();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+V');
    await expect.poll(() => page.locator('#pg-verdict').innerText()).toMatch(/^Invalid: 1 issue/);
    expect(await page.locator('#pg-issues code').allInnerTexts()).toEqual(['/data/email']);
    expect(await page.locator('#pg-backdrop mark').allTextContents()).toEqual(['"jane.example.com"']);
    expect(await fits()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'docs-phone-playground.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
