// The docs site in a real headless Chromium (Debian's, driven by playwright-core), opened from disk
// and from a static server on 127.0.0.1: every event in the navigation, each event's example values
// on its page, no page error, and no request to any other origin.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../src/index.js';
import { ROOT, loadExamples, readJson } from '../helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const INSTALL = 'apt-get install -y --no-install-recommends chromium';
const hasChromium = existsSync(CHROMIUM);
const DOCS = join(ROOT, 'docs');
const ARTIFACTS = join(ROOT, 'test-results');

if (!hasChromium) {
  if (process.env.CI === 'true') {
    describe('docs in a browser', () => {
      it('needs Chromium, which CI must install', () => {
        throw new Error(`${CHROMIUM} is missing; CI must install it: ${INSTALL}`);
      });
    });
  } else {
    console.warn(`docs browser tests skipped: ${CHROMIUM} is missing. Install it with: ${INSTALL}`);
  }
}

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
  let browser: Browser;
  let server: Server;
  let httpBase: string;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    // Any static host: a plain file server on 127.0.0.1.
    server = createServer((req, res) => {
      const path = normalize(join(DOCS, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
      if (!path.startsWith(DOCS) || !existsSync(path)) return void res.writeHead(404).end();
      const file = path.endsWith('/') || path === DOCS ? join(path, 'index.html') : path;
      const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.yaml': 'application/yaml' };
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    httpBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  /** Opens a page, recording page errors and every request that is not the page's own. */
  async function open(url: string): Promise<{ page: Page; errors: string[]; foreign: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const foreign: string[] = [];
    const own = new URL(url).protocol === 'file:' ? 'file:' : new URL(url).origin;
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => {
      const target = request.url();
      const local = target.startsWith('data:') || target.startsWith('blob:') || (own === 'file:' ? target.startsWith('file:') : target.startsWith(own));
      if (!local) foreign.push(target);
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, errors, foreign };
  }

  for (const where of ['disk', 'server'] as const) {
    it(`the reference lists all nine events in its navigation and shows each one's example values (${where})`, async () => {
      const url = where === 'disk' ? pathToFileURL(join(DOCS, 'reference.html')).href : `${httpBase}reference.html`;
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
      }
      if (where === 'disk') await page.screenshot({ path: join(ARTIFACTS, 'docs-reference.png'), fullPage: false });
      expect(errors).toEqual([]);
      expect(foreign).toEqual([]);
      await page.close();
    }, 120_000);
  }

  it('the landing page shows the version and links the guides and the reference, all of which load', async () => {
    const { version } = readJson<{ version: string }>('package.json');
    const { page, errors, foreign } = await open(pathToFileURL(join(DOCS, 'index.html')).href);
    expect(await page.locator('nav').innerText()).toContain(`@chatspark/webhooks ${version}`);
    const links = await page.$$eval('main a, nav a', (as) => [...new Set(as.map((a) => a.getAttribute('href') ?? ''))]);
    for (const page of ['reference.html', 'receiving.html', 'verifying.html', 'modes.html', 'contract-testing.html', 'local-development.html', 'decisions.html', 'security.html']) {
      expect(links).toContain(page);
    }
    for (const event of WEBHOOK_EVENT_TYPES) expect(await page.getByRole('link', { name: event, exact: true }).count(), event).toBeGreaterThan(0);
    for (const href of links.filter((l) => l.endsWith('.html') && l !== 'reference.html')) {
      const guide = await open(pathToFileURL(join(DOCS, href)).href);
      expect(await guide.page.locator('h1').first().innerText(), href).not.toBe('');
      expect(guide.errors, href).toEqual([]);
      expect(guide.foreign, href).toEqual([]);
      await guide.page.close();
    }
    await page.getByRole('link', { name: 'training.failed', exact: true }).click();
    await expect.poll(() => page.evaluate(() => document.body.innerText.includes('product-docs')), { timeout: 15_000 }).toBe(true);
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  }, 120_000);

  it('the guides carry the receiver example, the decisions and the threat model', async () => {
    const text = async (file: string) => {
      const { page } = await open(pathToFileURL(join(DOCS, file)).href);
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
