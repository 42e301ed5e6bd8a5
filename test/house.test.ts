// House rules that a reader would otherwise have to check by eye: every function in src/ is small
// enough to read at once (at most 80 lines).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const MAX_FUNCTION_LINES = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every function, method, accessor and arrow function with a body, with its length in lines. */
function functionLengths(path: string): { where: string; lines: number }[] {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { where: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = (node as { name?: ts.Node }).name?.getText(file) ?? '(anonymous)';
      found.push({ where: `${relative(ROOT, path)}:${first + 1} ${name}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

it(`no function in src/ is longer than ${MAX_FUNCTION_LINES} lines`, () => {
  const all = sourceFiles(join(ROOT, 'src')).flatMap(functionLengths);
  expect(all.length).toBeGreaterThan(100); // the walk found the functions
  const long = all.filter((f) => f.lines > MAX_FUNCTION_LINES).map((f) => `${f.where} (${f.lines} lines)`);
  expect(long).toEqual([]);
});
