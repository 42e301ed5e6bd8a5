// Reads vitest's JSON report and prints the closing line CI reads: "N passed, N failed".
// A skipped or pending test counts as failed (CI must not pass on tests that did not run), and so
// does generated output that the build changed (argument 2: `git status --porcelain` after it).
// Further arguments `NAME=EXIT_CODE` are checks run before the tests (format, lint): each counts
// as one item, passed when its exit code is 0.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath, stale = '', ...checks] = process.argv.slice(2);
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
for (const check of checks) {
  const at = check.lastIndexOf('=');
  const name = check.slice(0, at);
  const code = check.slice(at + 1);
  if (at > 0 && code === '0') passed++;
  else {
    console.log(
      `FAILED: ${at > 0 ? `${name} (exit code ${code || 'missing'})` : `check "${check}" gave no exit code`}`,
    );
    failed++;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
