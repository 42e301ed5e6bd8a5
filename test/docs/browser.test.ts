// The docs site's content in a real headless Chromium (Debian's, driven by playwright-core), opened
// from disk and from a static server on 127.0.0.1: every event on the event reference and in the
// OpenAPI view, with its example values and code; every page reachable from the landing page; no
// page error and no request to any other origin. How the site behaves (search, copy, layout,
// accessibility, speed) is test/docs/site.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../src/index.js';
import { ROOT, loadExamples, readJson } from '../helpers.js';
import {
  ARTIFACTS,
  SITE_PAGES,
  fileUrl,
  hasChromium,
  openPage,
  requireChromium,
  useDocsBrowser,
} from '../support/docs-browser.js';

requireChromium('docs in a browser');

/** Values of each event's example that must be on its page. */
const EXPECTED_VALUES: Record<string, string[]> = {
  'lead.captured': ['jane@example.com', 'Acme Inc', '+1234567890'],
  'conversation.started': ['conv_abc'],
  'conversation.ended': ['2026-02-24T12:30:00.000Z'],
  'message.sent': ['msg_123', 'Message text'],
  'agent.updated': ['prompt'],
  'ai-action.completed': ['hubspot', 'action_123'],
  'ai-action.failed': ['Error message'],
  'training.completed': ['product-docs', '150'],
  'training.failed': ['product-docs', 'Error message'],
};

describe.skipIf(!hasChromium)('docs in a browser', () => {
  const docs = useDocsBrowser();

  const open = (url: string) => openPage(docs.browser, url);

  for (const where of ['disk', 'server'] as const) {
    it(`the OpenAPI view (Redoc) lists all nine events in its navigation and shows each one's example values and code (${where})`, async () => {
      const url = where === 'disk' ? fileUrl('openapi.html') : `${docs.server.base}openapi.html`;
      const { page, errors, foreign } = await open(url);
      // The navigation entries: links named exactly by the event, visible without expanding anything.
      const entry = (event: string) => page.getByRole('link', { name: event, exact: true }).first();
      for (const event of WEBHOOK_EVENT_TYPES) await expect.poll(() => entry(event).isVisible(), { timeout: 15_000, message: `${event} in the navigation` }).toBe(true);
      for (const event of WEBHOOK_EVENT_TYPES) {
        await entry(event).click();
        await expect.poll(async () => {
          const text = await page.evaluate(() => document.body.innerText);
          return EXPECTED_VALUES[event]!.filter((value) => !text.includes(value));
        }, { timeout: 10_000, message: `${event}: example values on its page` }).toEqual([]);
        // Fields with their types, formats and required marks are rendered too.
        const text = await page.evaluate(() => document.body.innerText);
        expect(text, event).toContain('required');
        expect(text, event).toContain('date-time');
        // Its x-codeSamples: the typed receiver is shown beside the payload.
        expect(text, event).toContain(`createWebhookReceiver().on('${event}'`);
      }
      if (where === 'disk') await page.screenshot({ path: join(ARTIFACTS, 'docs-openapi.png'), fullPage: false });
      expect(errors).toEqual([]);
      expect(foreign).toEqual([]);
      await page.close();
    }, 120_000);
  }

  it('the event reference shows every event: its type names, fields, example values and the same code as the OpenAPI view', async () => {
    const openapi = parse(readFileSync(join(ROOT, 'generated/openapi.yaml'), 'utf8'));
    const { page, errors, foreign, violations } = await open(fileUrl('reference.html'));
    for (const event of WEBHOOK_EVENT_TYPES) {
      const section = page.locator(`section[aria-labelledby="${event}"]`);
      const text = await section.innerText();
      const pascal = event.split(/[.-]/).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
      for (const value of [...EXPECTED_VALUES[event]!, `${pascal}Event`, `${pascal}Data`, 'required', 'date-time'])
        expect(text, `${event}: ${value}`).toContain(value);
      const shown = await section.locator('h3[id$="-code"] ~ figure.code pre').allTextContents();
      const samples = openapi.webhooks[event].post['x-codeSamples'].map((s: { source: string }) => s.source.replace(/\n$/, ''));
      expect(shown, event).toEqual(samples);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'docs-reference.png') });
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    expect(await violations()).toEqual([]);
    await page.close();
  }, 60_000);

  it('the landing page shows the version and links every page of the site, each of which loads cleanly', async () => {
    const { version } = readJson<{ version: string }>('package.json');
    const { page, errors, foreign } = await open(fileUrl('index.html'));
    expect(await page.locator('header').innerText()).toContain(`@chatspark/webhooks ${version}`);
    const links = await page.$$eval('main a, nav a', (as) => [...new Set(as.map((a) => a.getAttribute('href') ?? ''))]);
    for (const file of SITE_PAGES) expect(links).toContain(file);
    for (const event of WEBHOOK_EVENT_TYPES) expect(await page.getByRole('link', { name: event, exact: true }).count(), event).toBeGreaterThan(0);
    for (const href of links.filter((l) => l.endsWith('.html') && l !== 'openapi.html')) {
      const other = await open(fileUrl(href));
      expect(await other.page.locator('h1').first().innerText(), href).not.toBe('');
      expect(other.errors, href).toEqual([]);
      expect(other.foreign, href).toEqual([]);
      await other.page.close();
    }
    // An event's link lands on its section of the reference, in view.
    await page.getByRole('link', { name: 'training.failed', exact: true }).click();
    await expect.poll(() => page.url()).toMatch(/reference\.html#training\.failed$/);
    await expect.poll(() => page.locator('section[aria-labelledby="training.failed"] h2').isVisible()).toBe(true);
    expect(await page.locator('section[aria-labelledby="training.failed"]').innerText()).toContain('product-docs');
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  }, 120_000);

  it('the guides carry the receiver example, the decisions and the threat model', async () => {
    const text = async (file: string) => {
      const { page } = await open(fileUrl(file));
      const body = await page.evaluate(() => document.body.innerText);
      await page.close();
      return body;
    };
    expect(await text('receiving.html')).toContain('parseWebhookEvent');
    const decisions = await text('decisions.html');
    expect(decisions).toContain('printable ASCII');
    expect(decisions).toContain('message.sent');
    expect(await text('security.html')).toContain('Authenticity');
    expect(await text('security.html')).toContain('Timing attacks');
    expect(await text('verifying.html')).toContain("not part of ChatSpark's reference");
    expect(await text('modes.html')).toContain('strict: true');
    expect(loadExamples()).toHaveLength(10);
  }, 60_000);
});
