// What every docs test in a browser shares: Debian's Chromium driven by playwright-core (CI must
// have it; elsewhere the tests are skipped with the command that installs it), the site served by
// a plain static server on 127.0.0.1 (any static host), and pages opened with their errors, CSP
// violations and every request that leaves the page recorded.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ROOT } from '../helpers.js';

export const CHROMIUM = '/usr/bin/chromium';
const INSTALL = 'apt-get install -y --no-install-recommends chromium';
export const hasChromium = existsSync(CHROMIUM);
export const DOCS = join(ROOT, 'docs');
export const ARTIFACTS = join(ROOT, 'test-results');

/** Every page of the site, in its navigation's order. */
export const SITE_PAGES = [
  'index.html',
  'reference.html',
  'playground.html',
  'receiving.html',
  'verifying.html',
  'modes.html',
  'contract-testing.html',
  'local-development.html',
  'decisions.html',
  'security.html',
  'openapi.html',
];

/** Without Chromium: a failing test on CI (which must install it), a warning elsewhere. */
export function requireChromium(suite: string): void {
  if (hasChromium) return;
  if (process.env.CI === 'true') {
    describe(suite, () => {
      it('needs Chromium, which CI must install', () => {
        throw new Error(`${CHROMIUM} is missing; CI must install it: ${INSTALL}`);
      });
    });
  } else {
    console.warn(`${suite}: skipped, ${CHROMIUM} is missing. Install it with: ${INSTALL}`);
  }
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * The suite's browser and static server: started before its tests, closed after them. Read them
 * inside tests (`docs.browser`), where the hooks have run.
 */
export function useDocsBrowser(): { readonly browser: Browser; readonly server: DocsServer } {
  const held = {} as { browser: Browser; server: DocsServer };
  beforeAll(async () => {
    held.browser = await launchChromium();
    held.server = await serveDocs();
  }, 60_000);
  afterAll(async () => {
    await held.browser?.close();
    await held.server?.close();
  });
  return held;
}

export interface DocsServer {
  base: string;
  close: () => Promise<void>;
}

/** The built site on a plain static server on 127.0.0.1 (any static host would do). */
export async function serveDocs(): Promise<DocsServer> {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.yaml': 'application/yaml',
  };
  const server: Server = createServer((req, res) => {
    const path = normalize(join(DOCS, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(DOCS) || !existsSync(path)) return void res.writeHead(404).end();
    const file = path.endsWith('/') || path === DOCS ? join(path, 'index.html') : path;
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const fileUrl = (file: string): string => pathToFileURL(join(DOCS, file)).href;

export interface OpenedPage {
  page: Page;
  /** Uncaught errors of the page's scripts, and console errors (a file that failed to load) but the CSP's. */
  errors: string[];
  /** Requests to anything but the page's own origin (file: for a page from disk), data: or blob:. */
  foreign: string[];
  /** Content-Security-Policy violations: reported events and console messages. */
  violations: () => Promise<string[]>;
}

/** Opens a page in a context of its own, recording errors, requests that leave and CSP violations. */
export async function openPage(
  browser: Browser,
  url: string,
  options: BrowserContextOptions = { viewport: { width: 1280, height: 900 } },
): Promise<OpenedPage> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('close', () => void context.close());
  const errors: string[] = [];
  const foreign: string[] = [];
  const consoleViolations: string[] = [];
  const own = new URL(url).protocol === 'file:' ? 'file:' : new URL(url).origin;
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) consoleViolations.push(message.text());
    else if (message.type() === 'error') errors.push(message.text());
  });
  page.on('request', (request) => {
    const target = request.url();
    const local =
      target.startsWith('data:') ||
      target.startsWith('blob:') ||
      (own === 'file:' ? target.startsWith('file:') : target.startsWith(own));
    if (!local) foreign.push(target);
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url, { waitUntil: 'load' });
  const violations = async () => [
    ...consoleViolations,
    ...(await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])),
  ];
  return { page, errors, foreign, violations };
}
