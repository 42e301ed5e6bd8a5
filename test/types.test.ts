// Types, schemas and validators cannot disagree: every example and valid test vector type-checks as its
// event's type, the invalid vectors a type can express fail to, and test/types/narrowing.ts compiles.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, loadVectorFiles, loadExamples } from './helpers.js';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** One line per payload, so a `@ts-expect-error` above it covers the whole literal. */
function declaration(name: string, type: string, data: unknown, shouldCheck: boolean, why: string): string {
  const expectError = shouldCheck ? '' : `// @ts-expect-error ${why}\n`;
  return `// ${why}\n${expectError}export const ${name}: ${type} = ${JSON.stringify(data)};\n`;
}

function typeFor(event: string | null): string {
  return event === null ? 'WebhookEvent' : `WebhookEventMap[${JSON.stringify(event)}]`;
}

describe('types', () => {
  it('examples and test vectors type-check exactly as the contract says, and narrowing gives each data type', () => {
    const dir = mkdtempSync(join(ROOT, 'test/types/.tmp-'));
    let source = `import type { WebhookEvent, WebhookEventMap } from '../../../src/index.js';\n\n`;
    let expectedToCheck = 0;
    let expectedToFail = 0;
    for (const { file, payload } of loadExamples()) {
      source += declaration(`example_${expectedToCheck++}`, typeFor(payload.event), payload, true, `examples/${file}`);
    }
    for (const { file, content } of loadVectorFiles()) {
      content.cases.forEach((vector, i) => {
        if (vector.typecheck === undefined) return;
        if (vector.typecheck) expectedToCheck++;
        else expectedToFail++;
        source += declaration(
          `vector_${file.replace(/\W/g, '_')}_${i}`,
          typeFor(content.event),
          vector.payload,
          vector.typecheck,
          `${file}: ${vector.description}`,
        );
      });
    }
    writeFileSync(join(dir, 'vectors.ts'), source);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          types: [],
        },
        files: ['vectors.ts', '../narrowing.ts'],
      }),
    );
    let output = '';
    try {
      output = execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', cwd: dir });
    } catch (error: any) {
      output = `${error.stdout}${error.stderr}`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(output).toBe('');
    expect(expectedToCheck).toBeGreaterThanOrEqual(10 + 18);
    expect(expectedToFail).toBeGreaterThanOrEqual(9);
  }, 60_000);
});

describe('the package and its tests', () => {
  it('type-check with the strictest settings (tsconfig.json and test/tsconfig.json)', () => {
    for (const project of ['tsconfig.json', 'test/tsconfig.json']) {
      let output = '';
      try {
        output = execFileSync(process.execPath, [tsc, '-p', join(ROOT, project), '--noEmit'], {
          encoding: 'utf8',
          cwd: ROOT,
        });
      } catch (error: any) {
        output = `${error.stdout}${error.stderr}`;
      }
      expect(output, project).toBe('');
    }
  }, 120_000);
});
