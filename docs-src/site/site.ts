// The docs site's one script, on every page: a copy button on each code block, and the search box
// of the header (its index, search-index.js, is loaded on first use). Bundled into docs/site.js by
// scripts/build-docs.mjs; no inline script anywhere, so pages keep a CSP without 'unsafe-inline'.
import MiniSearch from 'minisearch';

/** One searchable section of the site, as search-index.js lists them. */
interface SearchEntry {
  id: number;
  url: string;
  page: string;
  title: string;
  text: string;
}

declare global {
  interface Window {
    /** Set by search-index.js. */
    chatsparkSearchIndex?: SearchEntry[];
  }
}

const MAX_RESULTS = 8;

// ---- Copy buttons

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  // file:// pages and older browsers: the selection and execCommand still work.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  if (!copied) throw new Error('copy refused');
}

function addCopyButton(figure: HTMLElement): void {
  const code = figure.querySelector('pre code');
  if (!code) return;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'copy';
  button.textContent = 'Copy';
  const label = figure.querySelector('figcaption')?.textContent;
  button.setAttribute('aria-label', label ? `Copy code: ${label}` : 'Copy code');
  button.addEventListener('click', () => {
    copyText(code.textContent ?? '').then(
      () => flash(button, 'Copied'),
      () => flash(button, 'Press Ctrl+C'),
    );
  });
  figure.prepend(button);
}

function flash(button: HTMLButtonElement, text: string): void {
  button.textContent = text;
  setTimeout(() => (button.textContent = 'Copy'), 2000);
}

// ---- Search

class SiteSearch {
  #input: HTMLInputElement;
  #results: HTMLUListElement;
  #status: HTMLElement;
  #engine: Promise<MiniSearch<SearchEntry>> | undefined;

  constructor(input: HTMLInputElement, results: HTMLUListElement, status: HTMLElement) {
    this.#input = input;
    this.#results = results;
    this.#status = status;
    input.addEventListener('focus', () => void this.#load());
    input.addEventListener('input', () => void this.show(input.value));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.#clear();
      if (event.key === 'ArrowDown') this.#results.querySelector('a')?.focus();
    });
    results.addEventListener('keydown', (event) => this.#moveFocus(event));
  }

  /** Loads the index once, by adding its script (a plain file of the site, so CSP and file:// both allow it). */
  #load(): Promise<MiniSearch<SearchEntry>> {
    this.#engine ??= new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = 'search-index.js';
      script.onload = () => resolve(SiteSearch.#index(window.chatsparkSearchIndex ?? []));
      script.onerror = () => reject(new Error('search-index.js did not load'));
      document.head.append(script);
    });
    return this.#engine;
  }

  static #index(entries: SearchEntry[]): MiniSearch<SearchEntry> {
    const engine = new MiniSearch<SearchEntry>({
      fields: ['title', 'text'],
      storeFields: ['url', 'page', 'title'],
      searchOptions: { boost: { title: 3 }, prefix: true, fuzzy: 0.15, combineWith: 'AND' },
      // Field paths such as data.email and event names such as lead.captured stay one token too.
      tokenize: (text) => {
        const words = text.split(/[\s,;:!?()[\]{}"'`<>|/]+/).filter(Boolean);
        return [...new Set([...words, ...words.flatMap((w) => w.split(/[.\-_]+/))])].filter(Boolean);
      },
    });
    engine.addAll(entries);
    return engine;
  }

  async show(query: string): Promise<void> {
    if (!query.trim()) return this.#clear();
    const engine = await this.#load().catch(() => undefined);
    if (!engine) return this.#say('Search is unavailable: search-index.js did not load.');
    if (this.#input.value !== query) return; // a newer keystroke owns the list
    const hits = engine.search(query).slice(0, MAX_RESULTS);
    this.#results.replaceChildren(
      ...hits.map((hit) => {
        const item = document.createElement('li');
        const link = document.createElement('a');
        link.href = String(hit.url);
        link.textContent = String(hit.title);
        const where = document.createElement('span');
        where.className = 'where';
        where.textContent = String(hit.page);
        link.append(where);
        item.append(link);
        return item;
      }),
    );
    this.#results.hidden = hits.length === 0;
    this.#say(hits.length === 0 ? `No results for ${query}` : `${hits.length} result${hits.length === 1 ? '' : 's'}`);
  }

  #moveFocus(event: KeyboardEvent): void {
    const links = [...this.#results.querySelectorAll('a')];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (event.key === 'ArrowDown') links[Math.min(at + 1, links.length - 1)]?.focus();
    else if (event.key === 'ArrowUp') (at <= 0 ? this.#input : links[at - 1])?.focus();
    else if (event.key === 'Escape') this.#input.focus();
    else return;
    event.preventDefault();
  }

  #clear(): void {
    this.#results.replaceChildren();
    this.#results.hidden = true;
    this.#say('');
  }

  #say(text: string): void {
    this.#status.textContent = text;
  }
}

function start(): void {
  for (const figure of document.querySelectorAll<HTMLElement>('figure.code')) addCopyButton(figure);
  const input = document.querySelector<HTMLInputElement>('#site-search');
  const results = document.querySelector<HTMLUListElement>('#search-results');
  const status = document.querySelector<HTMLElement>('#search-status');
  if (!input || !results || !status) return;
  const search = new SiteSearch(input, results, status);
  // The form submits to the landing page (?q=…) when Enter is pressed without a script's help.
  const query = new URLSearchParams(location.search).get('q');
  if (query) {
    input.value = query;
    void search.show(query);
  }
}

start();
