// Deprecating a field, end to end: the fixture test/diff/fixtures/deprecated-field.json applied to a
// copy of the contract, then the real generators. The generated types carry `@deprecated` on the
// field, so an editor strikes it through (TypeScript's language service reports the use as
// deprecated, as editors show it); the docs site shows the badge, the decisions list it, and
// `npm run diff` calls it a notice (test/diff/diff.test.ts holds the fixture to that).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const fixture = JSON.parse(readFileSync(join(ROOT, 'test/diff/fixtures/deprecated-field.json'), 'utf8'));
const root = mkdtempSync(join(tmpdir(), 'chatspark-deprecation-'));
const out = join(root, 'out');
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(() => {
  for (const path of ['scripts', 'schemas', 'examples', 'asyncapi.yaml', 'package.json'])
    cpSync(join(ROOT, path), join(root, path), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  for (const op of fixture.patch) {
    const file = join(root, op.file);
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    const parts: string[] = op.path.slice(1).split('/');
    let target = schema;
    for (const part of parts.slice(0, -1)) target = target[part];
    target[parts.at(-1)!] = op.value;
    writeFileSync(file, JSON.stringify(schema, null, 2));
  }
  for (const script of ['build-types.mjs', 'build-openapi.mjs', 'build-decisions.mjs'])
    execFileSync(process.execPath, [join(root, 'scripts', script), '--out', out], { cwd: root, stdio: 'pipe' });
}, 120_000);

/** TypeScript's suggestion diagnostics for `code` using the generated types: what an editor shows. */
function deprecatedUses(code: string): string[] {
  const files: Record<string, string> = { [join(out, 'use.ts')]: code };
  const service = ts.createLanguageService({
    getCompilationSettings: () => ({
      strict: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noEmit: true,
    }),
    getScriptFileNames: () => Object.keys(files),
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      const text = files[name] ?? (ts.sys.fileExists(name) ? ts.sys.readFile(name) : undefined);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => out,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: (name) => name in files || ts.sys.fileExists(name),
    readFile: (name) => files[name] ?? ts.sys.readFile(name),
  });
  return service
    .getSuggestionDiagnostics(join(out, 'use.ts'))
    .filter((d) => d.reportsDeprecated)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('a deprecated field, end to end (fixture deprecated-field.json)', () => {
  it('the generated types mark it @deprecated, and an editor strikes its use through (and only its)', () => {
    const types = readFileSync(join(out, 'types.d.ts'), 'utf8');
    expect(types).toMatch(
      /\* @deprecated Since 0\.3\.0: it will be removed in a later release\.\s*\n\s*\*\/\s*\n\s*companyName\?/,
    );
    const uses = deprecatedUses(
      "import type { LeadCapturedData } from './types.js';\ndeclare const lead: LeadCapturedData;\nexport const both = [lead.companyName, lead.name];\n",
    );
    expect(uses).toEqual(["'companyName' is deprecated."]);
  });

  it('the docs site shows the badge and OpenAPI marks it deprecated', () => {
    const openapi = readFileSync(join(out, 'openapi.yaml'), 'utf8');
    expect(openapi).toContain('**Deprecated** since 0.3.0');
    expect(openapi).toMatch(/deprecated: true/);
  });

  it('the decisions list it', () => {
    const decisions = readFileSync(join(out, 'contract-decisions.md'), 'utf8');
    expect(decisions).toContain('- **`data.companyName`**: deprecated since 0.3.0');
  });

  it('today nothing is deprecated: the committed types carry no @deprecated', () => {
    expect(readFileSync(join(ROOT, 'generated/types.d.ts'), 'utf8')).not.toContain('@deprecated');
  });
});
