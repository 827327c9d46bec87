/**
 * A run where everything misses, as after a prompt change: the bench suite's 500 tests
 * are recorded, every prompt is changed, and the suite is replayed through the script
 * with 2 workers, `local` and `server:local`, in a folder of 100,000 recordings (the
 * others are other tests'). Each test must fail with its full miss message: the nearest
 * recording (its own, from before the change), the diff, the command that records it.
 *
 * Playwright restarts a worker after every failed test: a run of failures pays a worker's
 * start per test. The floor, measured in the same run, is Playwright alone: as many tests
 * that fail at once (`expect(1).toBe(2)`), in a TypeScript ESM project as this one is.
 * BENCH_MISS_TESTS sets the number of tests (default 500). Beside them, the script with
 * --max-failures 20: what a user who only needs the first misses waits.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../tests/integration/fixtures/settings.ts";
import { writeRecordings } from "./lookups.bench.ts";
import { type BenchResult, settle } from "./recorder.bench.ts";
import { formatMs, rotated, table } from "./stats.ts";
import { BENCH_SUITE_ROOT, generateBenchSuite, removeBenchSuite } from "./suite/generate.ts";
import { logTail, reportFolder, runCommand, type SuiteRun } from "./suite/runs.ts";

const TESTS = Number(process.env.BENCH_MISS_TESTS || 500);
const FOLDER_FILES = 100_000;
const TARGET_S = 60;
const SCRIPT = ["./scripts/integration-tests.sh", "--suite", "bench", "--workers", "2"];
/** What a full miss message holds, whatever the stack made of the miss. */
const FULL_MISS = [
  "No recording for POST http://scripted.local/v1/chat/completions",
  "nearest recording of this test and endpoint:",
  "its request body differs (- recorded, + this request):",
  "Briefly.",
  "to record it:",
];

/** A Playwright project of nothing but `count` failing tests, beside the bench suite. */
function bareProject(count: number): string {
  const folder = join(BENCH_SUITE_ROOT, "..", "bare");
  mkdirSync(folder, { recursive: true });
  const tests = Array.from(
    { length: count },
    (_, index) => `test("fails ${index}", () => expect(1).toBe(2));`,
  );
  writeFileSync(
    join(folder, "bare.spec.ts"),
    `import { expect, test } from "@playwright/test";\n\n${tests.join("\n")}\n`,
  );
  const config = join(folder, "playwright.config.ts");
  writeFileSync(
    config,
    `import { defineConfig } from "@playwright/test";\n\nexport default defineConfig({ testDir: ".", fullyParallel: true, reporter: [["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME }]] });\n`,
  );
  return config;
}

/** The tests that did not fail with the full miss message, each with what it said instead. */
function withoutFullMessage(run: SuiteRun): string[] {
  return run.tests
    .filter((test) => test.status !== "failed" || !FULL_MISS.every((part) => test.error.includes(part)))
    .map((test) => `${test.title}: ${test.status}, ${test.error.split("\n")[0] ?? ""}`);
}

export async function benchAllMiss(): Promise<BenchResult> {
  const { dir, remove } = reportFolder();
  const recordings = join(dir, "recordings");
  try {
    generateBenchSuite(TESTS);
    const env = { STACK_TEST_SUITE: "bench", STACK_TEST_RECORDING_DIR: recordings };
    const record = runCommand([...SCRIPT, "--inference-mode", "record"], env, dir, "record");
    if (record.status !== 0) throw new Error(`Recording the bench suite failed:\n${logTail(record)}`);
    const others = Math.max(0, FOLDER_FILES - record.tests.length);
    writeRecordings(join(recordings, "bench"), others);
    settle(recordings);
    generateBenchSuite(TESTS, { promptSuffix: " Briefly." });
    const bare = bareProject(TESTS);

    const commands: Array<{ name: string; run: () => SuiteRun }> = [
      {
        name: "local",
        run: () => runCommand([...SCRIPT, "--stack-config", "local"], env, dir, "miss-local"),
      },
      {
        name: "server:local",
        run: () => runCommand([...SCRIPT, "--stack-config", "server:local"], env, dir, "miss-server"),
      },
      {
        name: "local, --max-failures 20",
        run: () =>
          runCommand([...SCRIPT, "--stack-config", "local", "--max-failures", "20"], env, dir, "miss-max"),
      },
      {
        name: "Playwright alone (the floor)",
        run: () =>
          runCommand(
            [join(PROJECT_ROOT, "node_modules/.bin/playwright"), "test", "-c", bare, "--workers", "2"],
            {},
            dir,
            "bare",
          ),
      },
    ];
    const runs = new Map<string, SuiteRun>();
    for (const { name, run } of rotated(commands, new Date().getMinutes())) runs.set(name, run());

    const rows: string[][] = [];
    const problems: string[] = [];
    for (const { name } of commands) {
      const run = runs.get(name) as SuiteRun;
      const failed = run.tests.filter((test) => test.status === "failed").length;
      rows.push([
        name,
        String(run.tests.length),
        String(failed),
        formatMs(run.wallMs),
        `${((run.wallMs / Math.max(run.tests.length, 1)) * 2).toFixed(0)} ms`,
      ]);
      if (name === "Playwright alone (the floor)") continue;
      if (name === "local, --max-failures 20") {
        if (failed !== 20) problems.push(`${name}: ${failed} tests failed, not 20\n${logTail(run)}`);
        continue;
      }
      if (run.tests.length !== TESTS)
        problems.push(`${name}: ${run.tests.length} of ${TESTS} tests ran\n${logTail(run)}`);
      const wrong = withoutFullMessage(run);
      if (wrong.length)
        problems.push(`${name}: ${wrong.length} tests without the full miss message, e.g. ${wrong[0]}`);
    }
    const seconds = (name: string) => (runs.get(name)?.wallMs ?? Number.POSITIVE_INFINITY) / 1000;
    const floor = seconds("Playwright alone (the floor)");
    return {
      title: `${TESTS} tests that all miss (a prompt change), 2 workers, in a folder of ${FOLDER_FILES.toLocaleString("en")} recordings`,
      lines: [
        table(["run", "tests", "failed", "wall time", "per test and worker"], rows),
        "",
        "Each failed test restarts its Playwright worker: 'Playwright alone' is that floor, tests that fail at once.",
        "Playwright discards a worker after any failed test (workerProcessEntry.js: `if (testInfo._isFailure())",
        "this._isStopped = true`), and nothing in its API keeps it: N failures are N worker starts. Under 60 s",
        `at ${TESTS} tests and 2 workers needs a start under ${((TARGET_S * 2 * 1000) / TESTS).toFixed(0)} ms; Playwright's own takes ${((floor * 2 * 1000) / TESTS).toFixed(0)} ms here`,
        `(the harness: ${(seconds("local") / floor).toFixed(2)}× that floor local, ${(seconds("server:local") / floor).toFixed(2)}× server:local).`,
        `--max-failures 20 reports the first 20 misses, each whole, in ${seconds("local, --max-failures 20").toFixed(1)} s.`,
        ...problems,
      ],
      checks: [
        {
          target: `every test fails with its full miss message (nearest recording, diff, command) (${problems.length ? problems.join("; ").slice(0, 200) : "all did"})`,
          ok: problems.length === 0,
        },
        ...["local", "server:local"].map((name) => ({
          target: `${TESTS} misses finish in under ${TARGET_S} s, ${name} (${seconds(name).toFixed(1)} s; Playwright alone ${floor.toFixed(1)} s)`,
          ok: seconds(name) < TARGET_S,
        })),
      ],
    };
  } finally {
    removeBenchSuite();
    remove();
  }
}
