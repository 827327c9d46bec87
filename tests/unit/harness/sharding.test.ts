/**
 * Sharding as CI runs it: the shard and merge commands of .github/workflows/ci.yml,
 * taken from the workflow as written, run here for every shard of its matrix; the
 * shards split the suite without overlap, and the merged report holds every test once.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { PROJECT_ROOT } from "../../integration/fixtures/settings.ts";

const WORKFLOW = readFileSync(join(PROJECT_ROOT, ".github/workflows/ci.yml"), "utf8");

test.describe.configure({ timeout: 180_000 });

/** A workflow step's one-line `run:` command, found by what it runs. */
function runCommand(holding: string): string {
  const line = WORKFLOW.split("\n").find((text) => /^\s+run: /.test(text) && text.includes(holding));
  if (!line) throw new Error(`.github/workflows/ci.yml has no run step with ${holding}.`);
  return line.replace(/^\s+run: /, "");
}

function matrixValues(name: string): number[] {
  const match = new RegExp(`^\\s+${name}: \\[([\\d, ]+)\\]$`, "m").exec(WORKFLOW);
  if (!match?.[1]) throw new Error(`.github/workflows/ci.yml has no matrix ${name}.`);
  return match[1].split(",").map(Number);
}

/** A command with the matrix's `${{ matrix.NAME }}` expressions filled in. */
function withMatrix(command: string, matrix: Record<string, number>): string {
  return command.replace(/\$\{\{ matrix\.(\w+) \}\}/g, (_, name: string) => String(matrix[name]));
}

function bash(command: string, cwd: string, env: Record<string, string>) {
  return new Promise<{ status: number; output: string }>((resolve) => {
    execFile(
      "bash",
      ["-c", command],
      { cwd, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ status: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

interface ReportSuite {
  title: string;
  specs?: Array<{ title: string; tests: Array<{ projectName: string; results: Array<{ status: string }> }> }>;
  suites?: ReportSuite[];
}

/** `<project> › <file> › <title path>` for every test a JSON report holds, with its results' statuses. */
function testsIn(reportFile: string): Array<{ id: string; statuses: string[] }> {
  const walk = (suite: ReportSuite, path: string[]): Array<{ id: string; statuses: string[] }> => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests.map((each) => ({
        id: [each.projectName, ...path, spec.title].join(" › "),
        statuses: each.results.map((result) => result.status),
      })),
    ),
    ...(suite.suites ?? []).flatMap((child) => walk(child, [...path, child.title])),
  ];
  const report = JSON.parse(readFileSync(reportFile, "utf8")) as { suites: ReportSuite[] };
  return report.suites.flatMap((suite) => walk(suite, [suite.title]));
}

test("the workflow's shards split the suite, and their merged report holds every test once", async () => {
  const shardCommand = runCommand("integration-tests.sh");
  const mergeCommand = runCommand("merge-reports");
  const [total] = matrixValues("shardTotal");
  expect(matrixValues("shardIndex")).toEqual(Array.from({ length: total ?? 0 }, (_, index) => index + 1));
  expect(total).toBeGreaterThan(1);

  // Under the project, so that npx finds its Playwright from the merge job's folder.
  mkdirSync(join(PROJECT_ROOT, "test-results"), { recursive: true });
  const work = mkdtempSync(join(PROJECT_ROOT, "test-results", "sharding-"));
  try {
    const shards: Array<Array<{ id: string; statuses: string[] }>> = [];
    for (let index = 1; index <= (total ?? 0); index++) {
      const command = withMatrix(shardCommand, { shardIndex: index, shardTotal: total ?? 0 });
      const shard = join(work, `shard-${index}`);
      const run = await bash(command, PROJECT_ROOT, {
        STACK_TEST_BLOB_REPORT: join(shard, "blob-report"),
        STACK_TEST_JSON_REPORT: join(shard, "results.json"),
        STACK_TEST_HTML_REPORT: join(shard, "html"),
      });
      expect(run.status, run.output).toBe(0);
      shards.push(testsIn(join(shard, "results.json")));
      // What upload-artifact and download-artifact (merge-multiple) do between the jobs.
      cpSync(join(shard, "blob-report"), join(work, "all-blob-reports"), { recursive: true });
    }

    // Every shard ran something, and no test ran twice.
    const ran = shards.flat().map((entry) => entry.id);
    for (const shard of shards) expect(shard.length).toBeGreaterThan(0);
    expect(new Set(ran).size).toBe(ran.length);

    // The merge job runs at the repository's root, where the report lands by default; here it goes to `work`.
    const merge = await bash(mergeCommand, work, {
      PLAYWRIGHT_HTML_OUTPUT_DIR: join(work, "playwright-report"),
    });
    expect(merge.status, merge.output).toBe(0);
    expect(existsSync(join(work, "playwright-report", "index.html"))).toBe(true);
    const merged = testsIn(join(work, "merged-results.json"));
    expect(merged.map((entry) => entry.id).sort()).toEqual([...ran].sort());
    for (const entry of merged) expect(entry.statuses, entry.id).toEqual(["passed"]);

    // And that is the whole suite, as Playwright lists it unsharded.
    const listing = await bash(
      `${withMatrix(shardCommand, { shardIndex: 1, shardTotal: 1 }).replace(/ --shard \d+\/\d+/, "")} --collect-only`,
      PROJECT_ROOT,
      {},
    );
    expect(listing.status, listing.output).toBe(0);
    expect(listing.output).toContain(`Total: ${merged.length} tests in`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
