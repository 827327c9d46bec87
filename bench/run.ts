/**
 * `npm run bench`: every benchmark the project's speed and memory targets rest on.
 * Numbers are medians of interleaved rounds (each round in a rotated order), ratios taken
 * within the same run. The machine's load is printed first and last: numbers move with it.
 */
import { loadavg } from "node:os";
import { benchAllMiss } from "./all-miss.bench.ts";
import { benchCli } from "./cli.bench.ts";
import { benchHashSchemes } from "./hash-schemes.bench.ts";
import { benchLookups } from "./lookups.bench.ts";
import { benchProxy } from "./proxy.bench.ts";
import { type BenchResult, benchRecorder } from "./recorder.bench.ts";
import { benchStack, benchToolLoop } from "./stack.bench.ts";
import { benchSuite } from "./suite.bench.ts";
import { benchTracing } from "./tracing.bench.ts";
import { benchVectorSearch } from "./vector-search.bench.ts";

const sections: Array<() => Promise<BenchResult>> = [
  benchRecorder,
  benchLookups,
  benchHashSchemes,
  benchCli,
  benchProxy,
  benchStack,
  benchToolLoop,
  benchVectorSearch,
  benchTracing,
  benchSuite,
  benchAllMiss,
];

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(", ");
console.log(`load average (1, 5, 15 min) at the start: ${load()}`);

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
console.log(`\nload average (1, 5, 15 min) at the end: ${load()}`);
console.log(
  `\n${failed ? `${failed} targets missed` : "all targets met"} (node ${process.version}, ${new Date().toISOString()})`,
);
process.exitCode = failed ? 1 : 0;
