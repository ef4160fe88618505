// Sums the jest --json results of every workspace and prints the plain closing
// line CI reads: "N passed, N failed". Exits non-zero when a suite failed to run.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
let brokenSuites = 0;
for (const group of ['packages', 'examples', 'bench', 'scripts']) {
  if (!existsSync(group)) continue;
  const dirs = group === 'bench' ? ['.'] : readdirSync(group);
  for (const d of dirs) {
    const dir = join(group, d);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    // jest-results.json, and one per Node line where a suite runs on several (jest-results-node24.json)
    for (const name of readdirSync(dir).filter((n) => /^jest-results(-[\w.-]+)?\.json$/.test(n))) {
      const r = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      passed += r.numPassedTests;
      failed += r.numFailedTests;
      skipped += r.numPendingTests + (r.numTodoTests ?? 0);
      brokenSuites += r.numRuntimeErrorTestSuites;
    }
  }
}
if (brokenSuites > 0) console.log(`${brokenSuites} test suite(s) failed to run`);
console.log(
  `${passed} passed, ${failed + brokenSuites} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
process.exit(failed + brokenSuites > 0 ? 1 : 0);
