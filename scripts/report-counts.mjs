// Prints "<passed> <failed> <total>" from a Playwright JSON report; "0 0 -1" when there is none.
// Flaky tests passed in the end; skipped ones count in the total only.
import { existsSync, readFileSync } from "node:fs";

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.log("0 0 -1");
} else {
  const { stats } = JSON.parse(readFileSync(file, "utf8"));
  const passed = stats.expected + stats.flaky;
  console.log(`${passed} ${stats.unexpected} ${passed + stats.unexpected + stats.skipped}`);
}
