// Prints "<passed> <failed> <total> <not run>" from a Playwright JSON report; "0 0 -1 0" when
// there is none. Flaky tests passed in the end; skipped ones count in the total only. A test
// with no result did not run (the run stopped at --max-failures, or was interrupted).
import { existsSync, readFileSync } from "node:fs";

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.log("0 0 -1 0");
} else {
  const { stats, suites } = JSON.parse(readFileSync(file, "utf8"));
  let notRun = 0;
  const visit = (suite) => {
    for (const child of suite.suites ?? []) visit(child);
    for (const spec of suite.specs ?? []) for (const test of spec.tests) if (!test.results.length) notRun++;
  };
  for (const suite of suites ?? []) visit(suite);
  const passed = stats.expected + stats.flaky;
  console.log(`${passed} ${stats.unexpected} ${passed + stats.unexpected + stats.skipped} ${notRun}`);
}
