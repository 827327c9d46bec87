/**
 * `npm run bench`: every benchmark the project's speed and memory targets rest on.
 * Numbers are medians of interleaved rounds, ratios taken within the same run.
 */
import { benchCli } from "./cli.bench.ts";
import { benchHashSchemes } from "./hash-schemes.bench.ts";
import { benchProxy } from "./proxy.bench.ts";
import { type BenchResult, benchRecorder } from "./recorder.bench.ts";
import { benchStack, benchToolLoop } from "./stack.bench.ts";
import { benchSuite } from "./suite.bench.ts";
import { benchTracing } from "./tracing.bench.ts";
import { benchVectorSearch } from "./vector-search.bench.ts";

const sections: Array<() => Promise<BenchResult>> = [
  benchRecorder,
  benchHashSchemes,
  benchCli,
  benchProxy,
  benchStack,
  benchToolLoop,
  benchVectorSearch,
  benchTracing,
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
