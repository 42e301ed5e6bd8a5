// How long a docs page takes to render from disk, as a reader meets it: a fresh browser context
// (no cache, no compiled-code cache) opens the file, and the clock stops when the page is usable:
// loaded and two frames painted; for Redoc's view, once its script has hydrated the page too.
// Used by the benchmark (bench/run.mjs, `docs`) and by test/docs/site.test.ts.
// The functions given to page.evaluate and waitForFunction run in the page, with its globals.
/* global document, requestAnimationFrame */

/**
 * Milliseconds from navigation start to a usable page, measured by the page's own clock.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {{ redoc?: boolean }} [options]
 */
export async function pageRenderTime(browser, url, { redoc = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    // Redoc's search box says "Loading..." until its script has hydrated the page.
    if (redoc)
      await page.waitForFunction(() => !document.body.innerText.includes('Loading...'), null, {
        polling: 10,
        timeout: 60_000,
      });
    return await page.evaluate(
      () =>
        new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())))),
    );
  } finally {
    await context.close();
  }
}
