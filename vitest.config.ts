// Tests assert counts and verdicts, not wall time: on a shared 2-core machine a test that does
// counted work may take longer than vitest's 5 s default without anything being wrong.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
