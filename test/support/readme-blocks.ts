// The fenced code blocks of a Markdown file, the Markdown files whose blocks users read (the README
// and the docs guides' sources), and a type checker for TypeScript blocks as users compile them
// (test/readme-code.test.ts).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/** The folder of the docs guides' Markdown sources (rendered by scripts/build-docs.mjs). */
export const GUIDE_SOURCES = 'docs-src';

/**
 * Every Markdown file whose code users read, relative to `root`: README.md, CONTRIBUTING.md, every
 * guide source in docs-src/, any Markdown file under docs/, and any Markdown file that
 * scripts/build-docs.mjs names (so a page source added elsewhere is not missed).
 */
export function markdownSources(root: string): string[] {
  const named = [...readFileSync(join(root, 'scripts/build-docs.mjs'), 'utf8').matchAll(/['"`]([\w./-]+\.md)['"`]/g)]
    .map((m) => m[1]!)
    .filter((file) => existsSync(join(root, file)));
  const under = (dir: string) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
          .filter((file) => file.endsWith('.md'))
          .sort()
          .map((file) => join(dir, file))
      : [];
  const top = ['README.md', 'CONTRIBUTING.md'].filter((file) => existsSync(join(root, file)));
  return [...new Set([...top, ...under(GUIDE_SOURCES), ...named, ...under('docs')])];
}

export interface CodeBlock {
  /** The Markdown file, relative to the repository. */
  source: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word (`ts`), lower-cased. */
  lang: string;
  /** The rest of the info string (`recipe=recipes/node-http.ts`, `no-check <reason>`). */
  meta: string;
  /** The lines between the fences, joined with \n (no trailing newline). */
  code: string;
}

/** Every fenced block (``` or ~~~, indented by at most 3 spaces) of a Markdown text. */
export function codeBlocks(markdown: string, source: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, fence, lang, meta] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    for (; j < lines.length && !close.test(lines[j]!); j++) body.push(lines[j]!);
    blocks.push({ source, line: i + 1, lang: lang.toLowerCase(), meta: meta.trim(), code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/**
 * What a user's strict project sees: ES2022 and Node.js types only (no DOM), ES modules resolved
 * as Node.js does (`module: nodenext`), every file a module.
 */
export const USER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  types: ['node'],
  strict: true,
  skipLibCheck: false,
  noEmit: true,
};

export interface CheckedFile {
  fileName: string;
  text: string;
}

/**
 * Type-checks in-memory files (named inside the repository, so that '@chatspark/webhooks' resolves
 * to this package by its own name) in one program. Reports the diagnostics of those files, of
 * the package's own declaration files (`packageRoot` dist/ and generated/), and the global ones;
 * other libraries' declarations are used but not themselves checked.
 */
export function typeCheck(files: CheckedFile[], packageRoot: string): ts.Diagnostic[] {
  const virtual = new Map(files.map((f) => [f.fileName, f.text]));
  const host = ts.createCompilerHost(USER_OPTIONS, true);
  const { getSourceFile, fileExists, readFile, directoryExists } = host;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = virtual.get(fileName);
    return text !== undefined
      ? ts.createSourceFile(fileName, text, languageVersion, true)
      : getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
  };
  host.fileExists = (fileName) => virtual.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => virtual.get(fileName) ?? readFile.call(host, fileName);
  const virtualDirs = new Set(files.map((f) => dirname(f.fileName)));
  host.directoryExists = (dir) => virtualDirs.has(dir) || (directoryExists?.call(host, dir) ?? true);
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options: USER_OPTIONS, host });
  const own = [join(packageRoot, 'dist') + '/', join(packageRoot, 'generated') + '/'];
  const checked = program
    .getSourceFiles()
    .filter((sf) => virtual.has(sf.fileName) || own.some((dir) => sf.fileName.startsWith(dir)));
  return [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...checked.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
  ];
}

/** A diagnostic as `file:line:column message`, with `lineOffset` added for files that are blocks. */
export function formatDiagnostic(diagnostic: ts.Diagnostic, where: (fileName: string, line: number) => string): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return message;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${where(diagnostic.file.fileName, line + 1)}:${character + 1} TS${diagnostic.code}: ${message}`;
}
