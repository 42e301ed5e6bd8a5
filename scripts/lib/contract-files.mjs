// Reads the contract's files (asyncapi.yaml, schemas/, examples/) from the working tree, a folder,
// or a git revision, for the differ.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const jsonIn = (names, read) =>
  Object.fromEntries(names.filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(read(f))]));

/** The contract in a folder laid out like the repository (the working tree, or contract-snapshot/). */
export function contractFromFolder(dir) {
  const list = (sub) => (existsSync(join(dir, sub)) ? readdirSync(join(dir, sub)) : []);
  return {
    asyncapi: existsSync(join(dir, 'asyncapi.yaml')) ? readFileSync(join(dir, 'asyncapi.yaml'), 'utf8') : undefined,
    schemas: jsonIn(list('schemas'), (f) => readFileSync(join(dir, 'schemas', f), 'utf8')),
    examples: jsonIn(list('examples'), (f) => readFileSync(join(dir, 'examples', f), 'utf8')),
  };
}

/** The contract as committed at a git revision (a tag, branch or commit). */
export function contractAtRevision(root, revision) {
  const git = (...args) =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  git('rev-parse', '--verify', `${revision}^{commit}`);
  const list = (sub) =>
    git('ls-tree', '--name-only', `${revision}`, `${sub}/`)
      .split('\n')
      .filter(Boolean)
      .map((p) => p.slice(sub.length + 1));
  const show = (path) => git('show', `${revision}:${path}`);
  let asyncapi;
  try {
    asyncapi = show('asyncapi.yaml');
  } catch {
    asyncapi = undefined;
  }
  return {
    asyncapi,
    schemas: jsonIn(list('schemas'), (f) => show(`schemas/${f}`)),
    examples: jsonIn(list('examples'), (f) => show(`examples/${f}`)),
  };
}
