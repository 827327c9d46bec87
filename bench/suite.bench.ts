/**
 * The Responses suite replayed end to end, as a user runs it: wall time of
 * `npx playwright test` (Playwright's start included) with 1 and 2 workers, for both
 * forms of the stack, and what that costs per test.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { BenchResult } from "./recorder.bench.ts";
import { formatMs, median, table } from "./stats.ts";

const RUNS = 3;
const TARGET_SECONDS = 20;

interface RunResult {
  wallMs: number;
  tests: number;
  /** Each test's own duration, as Playwright reports it (fixtures included). */
  durations: number[];
}

interface ReportSuite {
  specs?: Array<{ tests: Array<{ results: Array<{ duration: number }> }> }>;
  suites?: ReportSuite[];
}

function durationsOf(suites: ReportSuite[]): number[] {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests.flatMap((test) => test.results.map((result) => result.duration)),
    ),
    ...durationsOf(suite.suites ?? []),
  ]);
}

function runSuite(stackConfig: string, workers: number, reportDir: string): RunResult {
  const report = join(reportDir, `${stackConfig.replace(":", "-")}-${workers}.json`);
  const start = performance.now();
  const result = spawnSync(
    "npx",
    ["playwright", "test", "--workers", String(workers), "--reporter", "json"],
    {
      env: {
        ...process.env,
        STACK_TEST_STACK_CONFIG: stackConfig,
        STACK_TEST_INFERENCE_MODE: "replay",
        PLAYWRIGHT_JSON_OUTPUT_NAME: report,
      },
      encoding: "utf8",
    },
  );
  const wallMs = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`The suite failed (${stackConfig}, ${workers} workers):\n${result.stderr}`);
  const parsed = JSON.parse(readFileSync(report, "utf8")) as {
    stats: { expected: number; unexpected: number };
    suites: ReportSuite[];
  };
  return {
    wallMs,
    tests: parsed.stats.expected + parsed.stats.unexpected,
    durations: durationsOf(parsed.suites),
  };
}

export async function benchSuite(): Promise<BenchResult> {
  const reportDir = mkdtempSync(join(tmpdir(), "bench-suite-"));
  const rows: string[][] = [];
  const worst: number[] = [];
  try {
    for (const stackConfig of ["local", "server:local"]) {
      for (const workers of [1, 2]) {
        const runs = Array.from({ length: RUNS }, () => runSuite(stackConfig, workers, reportDir));
        const wall = median(runs.map((run) => run.wallMs));
        const tests = runs[0]?.tests ?? 0;
        worst.push(Math.max(...runs.map((run) => run.wallMs)));
        rows.push([
          stackConfig,
          String(workers),
          String(tests),
          formatMs(wall),
          formatMs(wall / Math.max(tests, 1)),
          formatMs(median(runs.flatMap((run) => run.durations))),
        ]);
      }
    }
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
  const slowest = Math.max(...worst) / 1000;
  return {
    title: `Responses suite replayed with npx playwright test (median of ${RUNS} runs, Playwright's start included)`,
    lines: [
      table(["stack config", "workers", "tests", "wall time", "wall ÷ tests", "median test duration"], rows),
      "",
      "Wall time is mostly Playwright's own start and a server per worker; the tests themselves take milliseconds.",
    ],
    checks: [
      {
        target: `the suite replays well under ${TARGET_SECONDS} s (slowest run ${slowest.toFixed(1)} s)`,
        ok: slowest < TARGET_SECONDS / 2,
      },
    ],
  };
}
