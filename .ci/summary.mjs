// Reads vitest's JSON report and prints the closing line CI reads: "N passed, N failed".
// A skipped or pending test counts as failed (CI must not pass on tests that did not run), and so
// does generated output that the build changed (argument 2: `git status --porcelain` after it).
import { existsSync, readFileSync } from 'node:fs';

const [reportPath, stale = ''] = process.argv.slice(2);
let passed = 0;
let failed = 0;
if (!existsSync(reportPath)) {
  console.log('vitest wrote no report');
  failed++;
} else {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) {
      console.log(`FAILED to run: ${file.name}: ${file.message ?? ''}`);
      failed++;
    }
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'passed') passed++;
      else {
        failed++;
        console.log(`${test.status.toUpperCase()}: ${test.fullName}`);
      }
    }
  }
}
if (stale.trim() !== '') {
  console.log(`FAILED: generated output is stale; the build changed:\n${stale}\nRun \`npm run generate\` and commit.`);
  failed++;
} else {
  passed++; // the freshness check of the committed generated output
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
