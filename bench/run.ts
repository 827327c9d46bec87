/**
 * `npm run bench`: every benchmark the project's speed and memory targets rest on.
 * Numbers are medians of interleaved rounds, ratios taken within the same run.
 */
import { benchProxy } from "./proxy.bench.ts";
import { type BenchResult, benchRecorder } from "./recorder.bench.ts";
import { benchStack } from "./stack.bench.ts";
import { benchSuite } from "./suite.bench.ts";
import { benchVectorSearch } from "./vector-search.bench.ts";

const sections: Array<() => Promise<BenchResult>> = [
  benchRecorder,
  benchProxy,
  benchStack,
  benchVectorSearch,
  benchSuite,
];

let failed = 0;
for (const section of sections) {
  const result = await section();
  console.log(`\n## ${result.title}\n`);
  for (const line of result.lines) console.log(line);
  console.log("");
  for (const check of result.checks) {
    if (!check.ok) failed++;
    console.log(`${check.ok ? "MET   " : "MISSED"} ${check.target}`);
  }
}
console.log(
  `\n${failed ? `${failed} targets missed` : "all targets met"} (node ${process.version}, ${new Date().toISOString()})`,
);
process.exitCode = failed ? 1 : 0;
