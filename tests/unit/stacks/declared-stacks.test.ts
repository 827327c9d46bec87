// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the stacks file's own syntax.
/**
 * Stacks declared by a start command (stacks.config.json), run by the harness's stack pool:
 * one instance per worker slot that outlives the workers a failed test restarts, stopped
 * when the run ends, fails or is interrupted; one instance for the run when declared
 * shared; and a stack that does not come up fails its tests with its command and last
 * log lines, not a timeout.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect, test } from "@playwright/test";
import { PROJECT_ROOT } from "../../integration/fixtures/settings.ts";
import { recordSelftest, reportEnv, runSelftest, tempDir } from "../harness/support/selftest.ts";

interface Instance {
  name: string;
  instance: string;
  pid: number;
  stoppedAt?: string;
}

const stackLogs = (reports: Record<string, string>) =>
  join(dirname(reports.STACK_TEST_JSON_REPORT ?? ""), "stacks");
const instancesOf = (reports: Record<string, string>): Instance[] => {
  const file = join(stackLogs(reports), "stacks.json");
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : [];
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function stacksFile(stacks: Record<string, unknown>): string {
  const file = join(tempDir("stacks"), "stacks.json");
  writeFileSync(file, JSON.stringify({ stacks }, null, 2));
  return file;
}

const REFERENCE_SERVER = {
  command: "node --import tsx tests/integration/fixtures/stack-server.ts",
  cwd: PROJECT_ROOT,
  portEnv: "STACK_PORT",
  baseURL: "http://127.0.0.1:${STACK_PORT}/v1",
  readiness: "/v1/health",
  stackName: "local",
};

test("a failed test restarts its worker, not its stack: one reference server per worker slot, stopped at the end", () => {
  test.setTimeout(120_000);
  const reports = reportEnv();
  // No recordings: every test misses, fails, and restarts its worker.
  const run = runSelftest(
    { ...reports, STACK_TEST_STACK_CONFIG: "server:local", STACK_TEST_RECORDING_DIR: tempDir("empty") },
    ["--workers", "2", "--repeat-each", "2"],
  );
  expect(run.status).toBe(1);
  const results = [...run.all().values()].flat();
  expect(results).toHaveLength(10);
  for (const result of results) {
    expect(result.status).toBe("failed");
    expect(result.errors[0]?.message).toMatch(
      /No recording for POST http:\/\/scripted\.local\/v1\/chat\/completions/,
    );
  }
  const workers = new Set(
    results.map((result) => (result as unknown as { workerIndex: number }).workerIndex),
  );
  expect(workers.size).toBeGreaterThan(2);
  const instances = instancesOf(reports);
  expect(instances.map(({ name, instance }) => `${name} ${instance}`).sort()).toEqual([
    "server:local slot0",
    "server:local slot1",
  ]);
  for (const { pid, stoppedAt } of instances) {
    expect(stoppedAt).toBeTruthy();
    expect(alive(pid)).toBe(false);
  }
});

test("a stack declared shared serves the whole run; one that records on its own is reported external", () => {
  test.setTimeout(120_000);
  const recordings = recordSelftest();
  const reports = reportEnv();
  const run = runSelftest(
    {
      ...reports,
      STACK_TEST_STACKS_FILE: stacksFile({
        "server:shared": { ...REFERENCE_SERVER, instances: "shared", recorder: "inside" },
        // The harness hands the mode and recordings folder to every stack: this one replays them unseen.
        "server:own": { ...REFERENCE_SERVER },
      }),
      STACK_TEST_STACK_CONFIG: "server:shared,server:own",
      STACK_TEST_RECORDING_DIR: recordings,
    },
    ["--workers", "2"],
  );
  expect(run.status, run.stdout + run.stderr).toBe(0);
  const instances = instancesOf(reports);
  expect(instances.filter(({ name }) => name === "server:shared").map(({ instance }) => instance)).toEqual([
    "shared",
  ]);
  const outcomes = [...run.all().values()].map((results) =>
    results.map((result) => result.annotations.find((found) => found.type === "recordings")?.description),
  );
  for (const [shared, own] of outcomes) {
    expect(shared).toMatch(/^replayed \d+$|^no upstream call$/);
    expect(own).toBe("external");
  }
});

test("a stack that does not come up fails its tests with its command and last log lines, not a timeout", () => {
  test.setTimeout(60_000);
  const reports = reportEnv();
  const started = Date.now();
  const run = runSelftest(
    {
      ...reports,
      STACK_TEST_STACKS_FILE: stacksFile({
        broken: {
          ...REFERENCE_SERVER,
          command:
            "node -e \"console.log('booting'); console.error('cannot open the model cache: ENOENT'); process.exit(3)\"",
        },
        hanging: {
          ...REFERENCE_SERVER,
          command: "node -e \"console.log('loading weights'); setInterval(() => {}, 1000)\"",
          timeout: 1500,
        },
      }),
      STACK_TEST_STACK_CONFIG: "broken,hanging",
    },
    ["--workers", "1", "--grep", "streamed"],
  );
  expect(run.status).toBe(1);
  expect(Date.now() - started).toBeLessThan(40_000);
  const [broken, hanging] = run.results("answers › streamed");
  expect(broken?.errors[0]?.message).toMatch(
    /The stack 'broken' did not come up: it exited with code 3 before answering GET http:\/\/127\.0\.0\.1:\d+\/v1\/health\.\n {2}command: node -e "console\.log\('booting'\); .*"\n {2}in: {6}\S+\n {2}log: {5}\S+broken-slot0-\d+\.log\nIts last 2 lines:\n {2}\| booting\n {2}\| cannot open the model cache: ENOENT/,
  );
  expect(hanging?.errors[0]?.message).toMatch(
    /The stack 'hanging' did not come up: it did not answer GET http:\/\/127\.0\.0\.1:\d+\/v1\/health within 1500 ms \(its "timeout"\)\.[\s\S]*\| loading weights/,
  );
  // Tried once per slot, not once per test; and the one that hung is gone.
  const logs = readdirSync(stackLogs(reports));
  expect(logs.filter((name) => name.startsWith("broken-"))).toHaveLength(1);
  const hangingLogs = logs.filter((name) => name.startsWith("hanging-"));
  expect(hangingLogs).toHaveLength(1);
  expect(alive(Number(/-(\d+)\.log$/.exec(hangingLogs[0] ?? "")?.[1]))).toBe(false);
});

for (const signal of ["SIGINT", "SIGKILL"] as const) {
  test(`a run stopped with ${signal} stops its stacks`, async () => {
    test.setTimeout(60_000);
    const reports = reportEnv();
    const runner = spawn(
      process.execPath,
      [
        join(PROJECT_ROOT, "node_modules/@playwright/test/cli.js"),
        "test",
        "--workers",
        "2",
        "--repeat-each",
        "50",
      ],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          ...reports,
          STACK_TEST_SUITE: "selftest",
          STACK_TEST_STACK_CONFIG: "server:local",
          STACK_TEST_RECORDING_DIR: tempDir("empty"),
        },
        stdio: "ignore",
      },
    );
    const exited = new Promise((resolve) => runner.once("exit", resolve));
    await expect.poll(() => instancesOf(reports).length, { timeout: 30_000 }).toBe(2);
    const pids = instancesOf(reports).map(({ pid }) => pid);
    runner.kill(signal);
    await exited;
    await expect.poll(() => pids.filter(alive), { timeout: 10_000 }).toEqual([]);
  });
}
