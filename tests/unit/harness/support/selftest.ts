/**
 * Runs the harness's own suite (tests/unit/harness/selftest) through Playwright, as a
 * user runs a suite, on throwaway recordings: recorded afresh with the scripted provider,
 * then broken or pruned as a test needs, then replayed.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../../integration/fixtures/settings.ts";

export interface Attachment {
  name: string;
  contentType: string;
  body?: string;
  path?: string;
}

export interface TestResult {
  status: string;
  errors: Array<{ message?: string }>;
  attachments: Attachment[];
  annotations: Array<{ type: string; description?: string }>;
}

interface ReportSuite {
  title: string;
  specs?: Array<{
    title: string;
    tags: string[];
    tests: Array<{ projectName: string; annotations: TestResult["annotations"]; results: TestResult[] }>;
  }>;
  suites?: ReportSuite[];
}

export interface SuiteRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The results of a test by its title path (`answers › streamed`), one per project, in project order. */
  results(titlePath: string): TestResult[];
  /** Every test's title path and results. */
  all(): Map<string, TestResult[]>;
  /** A text attachment's body. */
  text(result: TestResult, name: string): string | undefined;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/** Where a run's reports go: `STACK_TEST_JSON_REPORT` and `STACK_TEST_HTML_REPORT` in a fresh folder. */
export function reportEnv(): Record<string, string> {
  const dir = tempDir("suite-run");
  const report = join(dir, "results.json");
  return {
    STACK_TEST_JSON_REPORT: report,
    PLAYWRIGHT_JSON_OUTPUT_FILE: report,
    STACK_TEST_HTML_REPORT: join(dir, "html"),
  };
}

/** A finished run, read from the JSON report its environment named. */
export function suiteRun(
  env: Record<string, string>,
  run: { status: number | null; stdout: string; stderr: string },
): SuiteRun {
  let suites: ReportSuite[] = [];
  try {
    suites = (JSON.parse(readFileSync(env.STACK_TEST_JSON_REPORT ?? "", "utf8")) as { suites: ReportSuite[] })
      .suites;
  } catch {
    throw new Error(`The run left no report:\n${run.stdout}\n${run.stderr}`);
  }
  const byTitle = new Map<string, TestResult[]>();
  const visit = (suite: ReportSuite, titles: string[]) => {
    for (const spec of suite.specs ?? []) {
      const title = [...titles, spec.title].join(" › ");
      byTitle.set(title, [...(byTitle.get(title) ?? []), ...spec.tests.flatMap((test) => test.results)]);
    }
    for (const child of suite.suites ?? []) visit(child, [...titles, child.title]);
  };
  // A file is a suite too: only describe blocks add to the title path.
  for (const file of suites) visit(file, []);
  return {
    ...run,
    results(titlePath) {
      const found = byTitle.get(titlePath);
      if (!found?.length) throw new Error(`No result for '${titlePath}':\n${run.stdout}\n${run.stderr}`);
      return found;
    },
    all: () => byTitle,
    text(result, name) {
      const attachment = result.attachments.find((candidate) => candidate.name === name);
      if (attachment?.body !== undefined) return Buffer.from(attachment.body, "base64").toString("utf8");
      if (attachment?.path) return readFileSync(attachment.path, "utf8");
      return undefined;
    },
  };
}

/** `npx playwright test` on the selftest suite; `env` adds to the harness's environment. */
export function runSelftest(
  env: Record<string, string>,
  args: string[] = [],
  { reporter }: { reporter?: string } = {},
): SuiteRun {
  const runEnv = { STACK_TEST_SUITE: "selftest", ...reportEnv(), ...env };
  const run = spawnSync(
    "npx",
    ["playwright", "test", ...args, ...(reporter ? [`--reporter=${reporter},json`] : [])],
    { cwd: PROJECT_ROOT, env: { ...process.env, ...runEnv }, encoding: "utf8" },
  );
  return suiteRun(runEnv, run);
}

/** `integration-tests.sh --suite selftest` with `args`; `env` adds to the environment. */
export function runSelftestScript(args: string[], env: Record<string, string> = {}) {
  return spawnSync("./scripts/integration-tests.sh", ["--suite", "selftest", ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
}

/** Runs a command from the project root without blocking this process (it may serve the run). */
export function runAsync(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => {
      stdout += data.toString();
    });
    child.stderr.on("data", (data: Buffer) => {
      stderr += data.toString();
    });
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Records the selftest suite afresh into a new recordings folder and returns it. */
export function recordSelftest(): string {
  const recordings = tempDir("rec");
  const run = runSelftest({ STACK_TEST_RECORDING_DIR: recordings, STACK_TEST_INFERENCE_MODE: "record" });
  if (run.status !== 0) throw new Error(`Recording the selftest suite failed:\n${run.stdout}\n${run.stderr}`);
  return recordings;
}

/** The recording files of one selftest test (by title path, `answers > streamed`), in the order made. */
export function recordingsOf(recordings: string, titlePath: string): string[] {
  const folder = join(recordings, "selftest");
  return readdirSync(folder)
    .map((name) => join(folder, name))
    .map((file) => ({ file, recording: JSON.parse(readFileSync(file, "utf8")) }))
    .filter(({ recording }) => String(recording.test_id).includes(`::${titlePath}[`))
    .sort(
      (a, b) =>
        (a.recording.request.body?.messages?.length ?? 0) - (b.recording.request.body?.messages?.length ?? 0),
    )
    .map(({ file }) => file);
}
