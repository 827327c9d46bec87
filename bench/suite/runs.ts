/**
 * Running the bench suite as a user runs a suite, and reading what happened: the command's
 * wall time, and from the JSON report each test's outcome, start, duration, annotations
 * and first error. Output goes to a log file: a run of 500 failures prints megabytes.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { PROJECT_ROOT } from "../../tests/integration/fixtures/settings.ts";

export interface TestOutcome {
  title: string;
  status: string;
  /** Epoch milliseconds when Playwright started the test (before its fixtures). */
  startTime: number;
  duration: number;
  annotations: Array<{ type: string; description?: string }>;
  error: string;
}

export interface SuiteRun {
  status: number | null;
  /** Epoch milliseconds when the command was started. */
  startedAt: number;
  wallMs: number;
  tests: TestOutcome[];
  log: string;
}

interface ReportSuite {
  specs?: Array<{
    title: string;
    tests: Array<{
      annotations?: TestOutcome["annotations"];
      results: Array<{
        status: string;
        startTime: string;
        duration: number;
        annotations?: TestOutcome["annotations"];
        errors?: Array<{ message?: string }>;
      }>;
    }>;
  }>;
  suites?: ReportSuite[];
}

function outcomesOf(suites: ReportSuite[]): TestOutcome[] {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests.flatMap((test) =>
        test.results.map((result) => ({
          title: spec.title,
          status: result.status,
          startTime: Date.parse(result.startTime),
          duration: result.duration,
          annotations: [...(test.annotations ?? []), ...(result.annotations ?? [])],
          error: result.errors?.[0]?.message ?? "",
        })),
      ),
    ),
    ...outcomesOf(suite.suites ?? []),
  ]);
}

/** A scratch folder for a section's reports and logs. */
export function reportFolder(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "bench-suite-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `command` from the project root with `env` added, its JSON report written to `report`. */
export function runCommand(
  command: string[],
  env: Record<string, string>,
  dir: string,
  name: string,
): SuiteRun {
  const report = join(dir, `${name}.json`);
  const log = join(dir, `${name}.log`);
  const output = openSync(log, "w");
  const startedAt = Date.now();
  const start = performance.now();
  let result: ReturnType<typeof spawnSync>;
  try {
    result = spawnSync(command[0] as string, command.slice(1), {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        STACK_TEST_JSON_REPORT: report,
        PLAYWRIGHT_JSON_OUTPUT_NAME: report,
        STACK_TEST_HTML_REPORT: join(dir, `${name}-html`),
        ...env,
      },
      stdio: ["ignore", output, output],
    });
  } finally {
    closeSync(output);
  }
  const wallMs = performance.now() - start;
  let tests: TestOutcome[] = [];
  try {
    tests = outcomesOf((JSON.parse(readFileSync(report, "utf8")) as { suites: ReportSuite[] }).suites);
  } catch {
    // No report: the caller says so, with the log's end.
  }
  return { status: result.status, startedAt, wallMs, tests, log };
}

/** The last lines a run printed, for a failure's message. */
export function logTail(run: SuiteRun, lines = 15): string {
  return readFileSync(run.log, "utf8").trim().split("\n").slice(-lines).join("\n");
}
