// The validator playground's page code: an event picker that loads examples, a default/strict
// switch, and a textarea whose issues are highlighted by a backdrop that mirrors its text with
// <mark>s (a textarea cannot style parts of its own text). Everything runs here, in the page:
// the examples are compiled in (scripts/build-playground.mjs) and nothing is fetched or sent.
import { judge, type Finding, type Range, type Verdict } from './verdict.js';

/** Each event's example, pretty-printed; defined at build time by scripts/build-playground.mjs. */
declare const __EXAMPLES__: Record<string, string>;

/** Typing pauses this long before the payload is validated again, so a burst of keys validates once. */
const DEBOUNCE_MS = 120;

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`playground: #${id} is missing from the page`);
  return element as T;
}

/** Ranges in text order, overlapping ones merged: a mark cannot open inside another. */
function disjoint(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Range[] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range.start < last.end) last.end = Math.max(last.end, range.end);
    else out.push({ ...range });
  }
  return out;
}

class Playground {
  readonly event = byId<HTMLSelectElement>('pg-event');
  readonly load = byId<HTMLButtonElement>('pg-load');
  readonly form = byId<HTMLFormElement>('pg-form');
  readonly text = byId<HTMLTextAreaElement>('pg-payload');
  readonly backdrop = byId<HTMLDivElement>('pg-backdrop');
  readonly verdict = byId<HTMLElement>('pg-verdict');
  readonly issues = byId<HTMLOListElement>('pg-issues');
  /** The marks of the last rendering with the ranges they cover, to scroll to an issue's mark. */
  marks: { range: Range; element: HTMLElement }[] = [];
  timer: ReturnType<typeof setTimeout> | undefined;

  start(): void {
    this.preselect(new URLSearchParams(location.search).get('event'));
    this.form.addEventListener('submit', (e) => e.preventDefault());
    this.event.addEventListener('change', () => this.loadExample());
    this.load.addEventListener('click', () => this.loadExample());
    this.form.addEventListener('change', (e) => {
      if ((e.target as HTMLInputElement).name === 'mode') this.validate();
    });
    this.text.addEventListener('input', () => this.schedule());
    this.text.addEventListener('scroll', () => this.syncScroll());
    this.loadExample();
  }

  /** `?event=training.failed` picks that event (the reference links here this way); anything else is ignored. */
  preselect(name: string | null): void {
    if (name !== null && Object.prototype.hasOwnProperty.call(__EXAMPLES__, name)) this.event.value = name;
  }

  get strict(): boolean {
    return this.form.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value === 'strict';
  }

  loadExample(): void {
    this.text.value = __EXAMPLES__[this.event.value] ?? '';
    this.text.scrollTop = 0;
    this.validate();
  }

  schedule(): void {
    clearTimeout(this.timer);
    // The backdrop follows the text at once (or the marks would drift); the verdict may wait.
    this.renderMarks([]);
    this.timer = setTimeout(() => this.validate(), DEBOUNCE_MS);
  }

  validate(): void {
    clearTimeout(this.timer);
    const verdict = judge(this.text.value, this.strict);
    this.renderVerdict(verdict);
    this.renderMarks(verdict.findings.flatMap((f) => (f.range ? [f.range] : [])));
    this.renderIssues(verdict.findings);
  }

  renderVerdict(verdict: Verdict): void {
    // Only a change is written, so a screen reader announces a new verdict, not every keystroke.
    if (this.verdict.textContent !== verdict.summary) this.verdict.textContent = verdict.summary;
    this.verdict.classList.toggle('pg-valid', verdict.valid);
    this.verdict.classList.toggle('pg-invalid', !verdict.valid);
    this.text.setAttribute('aria-invalid', String(!verdict.valid));
  }

  /** Mirrors the text into the backdrop with a <mark> over each range. */
  renderMarks(ranges: Range[]): void {
    const text = this.text.value;
    const parts = document.createDocumentFragment();
    this.marks = [];
    let at = 0;
    for (const range of disjoint(ranges)) {
      parts.append(text.slice(at, range.start));
      const mark = document.createElement('mark');
      mark.textContent = text.slice(range.start, range.end);
      parts.append(mark);
      this.marks.push({ range, element: mark });
      at = range.end;
    }
    // A final newline gets a line of its own in the textarea but not in a div, unless something follows it.
    parts.append(`${text.slice(at)} `);
    this.backdrop.replaceChildren(parts);
    this.syncScroll();
  }

  renderIssues(findings: Finding[]): void {
    const items = findings.map((finding) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'pg-issue';
      const where = document.createElement('code');
      where.textContent = finding.where;
      const message = document.createElement('span');
      message.textContent = finding.message;
      button.append(where, ' ', message);
      const { range } = finding;
      if (range) button.addEventListener('click', () => this.select(range));
      else button.disabled = true;
      const item = document.createElement('li');
      item.append(button);
      return item;
    });
    this.issues.replaceChildren(...items);
    this.issues.hidden = items.length === 0;
  }

  /** Selects an issue's text in the textarea and scrolls it into view. */
  select(range: Range): void {
    this.text.focus();
    this.text.setSelectionRange(range.start, range.end);
    const mark = this.marks.find((m) => range.start >= m.range.start && range.start < m.range.end)?.element;
    if (mark) this.text.scrollTop = Math.max(0, mark.offsetTop - this.text.clientHeight / 3);
    this.syncScroll();
  }

  syncScroll(): void {
    this.backdrop.scrollTop = this.text.scrollTop;
    this.backdrop.scrollLeft = this.text.scrollLeft;
  }
}

new Playground().start();
