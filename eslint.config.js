// ESLint (flat config): `npm run lint`, and .ci/run fails on any error. Prettier owns the layout
// (eslint-config-prettier turns off every rule that would fight it); ESLint finds code mistakes.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    // Build output and generated artefacts: written by scripts/, never by hand.
    'dist/',
    'generated/',
    'docs/',
    'contract-snapshot/',
    'test-results/',
    // Local scratch space (.gitignore).
    '.scratch/',
    // Scratch projects the type tests write and delete.
    'test/types/.tmp-*/',
    // Vendored or fixture data.
    'test/peer-suites/',
    'test/reference/',
    'test/diff/fixtures/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Destructuring a key away (`const { $ref: _ref, ...rest } = schema`) is how an object loses
      // one property: the named rest sibling is not an unused variable.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // `@ts-nocheck` stays allowed with its reason: the Bun and Deno entry points of the runtime
      // tests use globals the test project has no types for (banned without a description).
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-nocheck': 'allow-with-description' }],
    },
  },
  {
    // The package's own source: type-aware rules (the HTTP code lives on promises).
    files: ['src/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    // The docs site's browser code (bundled by scripts/build-playground.mjs): it runs in a page, not in Node.
    files: ['docs-src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read JSON fixtures and answers and poke at them, and feed the API deliberately
      // ill-typed values: `any` there is the point, and typing it would add casts, not safety.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  prettier,
);
