// The README's shape: its table of contents lists exactly its `## ` sections, in order, each linked
// by the anchor GitHub gives the heading; its links to files in the repository resolve; and the
// Security section is the docs guide docs-src/security.md, byte for byte (one text, two homes that
// cannot drift, as the recipe blocks are the files in recipes/).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The lines outside fenced code blocks (a `# comment` in a shell block is not a heading). */
function proseLines(markdown: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (open && open[0] === fence[0] && open.length >= fence.length && line.trim() === open) fence = undefined;
      continue;
    }
    if (open) {
      fence = open;
      continue;
    }
    out.push(line);
  }
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation other than - and _ dropped, spaces to -. */
export function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const lines = proseLines(readme);
const headings = lines.filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trim());
/** The table of contents: the first list of in-page links, before the first `## ` heading. */
const toc = lines
  .slice(
    0,
    lines.findIndex((l) => l.startsWith('## ')),
  )
  .map((l) => /^\s*[-*] \[([^\]]+)\]\(#([^)]+)\)\s*$/.exec(l))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ text: m[1]!, href: m[2]! }));

describe('README table of contents', () => {
  it('has one', () => {
    expect(toc.length).toBeGreaterThan(0);
  });

  it('lists exactly the `## ` sections, in order, with the same words', () => {
    expect(toc.map((t) => t.text)).toEqual(headings);
  });

  it('links each entry to its heading', () => {
    expect(toc.map((t) => t.href)).toEqual(headings.map(anchor));
  });

  it('has the sections a user needs, in this order', () => {
    expect(headings).toEqual([
      'Install',
      'Usage',
      'API',
      'Recipes',
      'Verifying deliveries',
      'FAQ',
      'Security',
      'Versioning',
      'Develop',
      'License',
    ]);
  });

  it('every in-page link points at a heading of the README', () => {
    const anchors = new Set(lines.filter((l) => /^#{1,6} /.test(l)).map((l) => anchor(l.replace(/^#{1,6} /, ''))));
    const links = [...lines.join('\n').matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((l) => !anchors.has(l))).toEqual([]);
  });

  it('every link to a file of the repository resolves', () => {
    const links = [...lines.join('\n').matchAll(/\]\(([^)#:\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((l) => !existsSync(join(ROOT, l)))).toEqual([]);
  });
});

describe('README sections shared with the docs guides', () => {
  it('the Security section is docs-src/security.md, byte for byte', () => {
    const start = readme.indexOf('\n## Security\n');
    expect(start).toBeGreaterThan(0);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start + '\n## Security\n\n'.length, end);
    const guide = readFileSync(join(ROOT, 'docs-src/security.md'), 'utf8');
    const body = guide.slice(
      guide.indexOf('\n# Security and threat model\n\n') + '\n# Security and threat model\n\n'.length,
    );
    expect(section).toBe(body);
  });

  it('the Develop section gives the set-up commands CI runs', () => {
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toContain('npm ci');
    expect(ci).toContain('npm run build');
    expect(ci).toMatch(/^npm test\b/m);
    const start = readme.indexOf('\n## Develop\n');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    expect(section).toContain('```sh\nnpm ci && npm run build\nnpm test\n```');
    expect(section).toContain('(CONTRIBUTING.md)');
  });
});
