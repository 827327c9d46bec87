/**
 * The bench suite (bench/suite/generate.ts: its own specs, whatever specs the project
 * holds) run as a user runs a suite: how long a run takes before its first test, part by
 * part, and 500 replayed tests with 1 and 2 workers in both stack forms, against the same
 * tests checked with the stream assertions as they were before they were made cheap.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { PROJECT_ROOT } from "../tests/integration/fixtures/settings.ts";
import { fileAt } from "./git-recorder.ts";
import { type BenchResult, settle } from "./recorder.bench.ts";
import { formatMs, median, rotated, table } from "./stats.ts";
import { BENCH_SUITE_ROOT, BODY_START, generateBenchSuite, removeBenchSuite } from "./suite/generate.ts";
import { logTail, reportFolder, runCommand, type SuiteRun } from "./suite/runs.ts";

const STACKS = ["local", "server:local"] as const;
const TESTS = 500;
const SCRIPT = ["./scripts/integration-tests.sh", "--suite", "bench"];
const PLAYWRIGHT = join(PROJECT_ROOT, "node_modules/.bin/playwright");
/** The stream assertions before each property had one expect (per event, per item, per delta). */
const ASSERTIONS_BEFORE = "4d11acad16648f37d06ab870824d758367eeda92";

/** Runs each of `commands` `times` times, rotated, and returns each one's runs. */
function rotatedRuns(commands: Array<() => SuiteRun>, times: number): SuiteRun[][] {
  const runs: SuiteRun[][] = commands.map(() => []);
  for (let round = 0; round < times; round++) {
    for (const index of rotated([...commands.keys()], round))
      runs[index]?.push((commands[index] as () => SuiteRun)());
  }
  return runs;
}

/** Milliseconds from a run's start to its first test's body (the annotation it noted). */
function toFirstBody(run: SuiteRun): number {
  const noted = run.tests[0]?.annotations.find((annotation) => annotation.type === BODY_START)?.description;
  if (run.status !== 0 || !noted) throw new Error(`The bench run failed:\n${logTail(run)}`);
  return Number(noted) - run.startedAt;
}

/** Milliseconds from spawning a stack server to its `listening` line. */
async function serverStart(command: string[], env: Record<string, string>): Promise<number> {
  const start = performance.now();
  const child = spawn(command[0] as string, [...command.slice(1), "--port", "0"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (data: Buffer) => {
      if (String(data).includes("listening")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the stack server exited (${code}) before listening`)));
  });
  const elapsed = performance.now() - start;
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  return elapsed;
}

async function fixedStart(dir: string, recordings: string) {
  generateBenchSuite(1, { stamp: true });
  const env = { STACK_TEST_SUITE: "bench", STACK_TEST_RECORDING_DIR: recordings };
  const record = runCommand([...SCRIPT, "--inference-mode", "record"], env, dir, "record-1");
  if (record.status !== 0) throw new Error(`Recording the fixed-start test failed:\n${logTail(record)}`);
  settle(recordings);
  const times = 5;
  const wall =
    (command: string[], name: string, extra: Record<string, string> = {}) =>
    () =>
      runCommand(command, { ...env, ...extra }, dir, name);
  const [scriptLocal, scriptServer, pwLocal, pwServer] = rotatedRuns(
    [
      wall([...SCRIPT, "--stack-config", "local"], "script-local"),
      wall([...SCRIPT, "--stack-config", "server:local"], "script-server"),
      wall([PLAYWRIGHT, "test", "--reporter=json"], "pw-local", { STACK_TEST_STACK_CONFIG: "local" }),
      wall([PLAYWRIGHT, "test", "--reporter=json"], "pw-server", { STACK_TEST_STACK_CONFIG: "server:local" }),
    ],
    times,
  );
  const parts = rotatedRuns(
    [
      wall(["node", "-e", "0"], "node"),
      wall(["npx", "playwright", "--version"], "npx"),
      wall([PLAYWRIGHT, "--version"], "bin"),
      wall(["node", "scripts/run-ts.mjs", "scripts/describe-run.ts"], "describe"),
      wall(["node", "--import", "tsx", "scripts/describe-run.ts"], "describe-tsx"),
      wall([PLAYWRIGHT, "test", "--list", "--pass-with-no-tests", "no-spec-matches-this"], "config"),
      wall([PLAYWRIGHT, "test", "--list"], "collect"),
    ],
    times,
  ).map((runs) => median(runs.map((run) => run.wallMs)));
  const servers: Record<string, number[]> = { "run-ts": [], tsx: [] };
  const serverEnv = { ...env, STACK_TEST_INFERENCE_MODE: "replay" };
  const entry = "tests/integration/fixtures/stack-server.ts";
  for (let round = 0; round < times; round++) {
    for (const way of rotated(["run-ts", "tsx"], round)) {
      const command =
        way === "tsx" ? ["node", "--import", "tsx", entry] : ["node", "scripts/run-ts.mjs", entry];
      servers[way]?.push(await serverStart(command, serverEnv));
    }
  }
  const firstBody = (runs: SuiteRun[] | undefined) => median((runs ?? []).map(toFirstBody));
  const wallOf = (runs: SuiteRun[] | undefined) => median((runs ?? []).map((run) => run.wallMs));
  const [node, npx, bin, describe, describeTsx, config, collect] = parts as number[];
  return {
    local: firstBody(scriptLocal),
    server: firstBody(scriptServer),
    rows: [
      [
        "script → first test's body, local",
        formatMs(firstBody(scriptLocal)),
        `whole run ${formatMs(wallOf(scriptLocal))}`,
      ],
      [
        "script → first test's body, server:local",
        formatMs(firstBody(scriptServer)),
        `whole run ${formatMs(wallOf(scriptServer))}`,
      ],
      ["playwright test → first test's body, local", formatMs(firstBody(pwLocal)), "no script"],
      ["playwright test → first test's body, server:local", formatMs(firstBody(pwServer)), "no script"],
      ["  node's own start", formatMs(node ?? 0), ""],
      [
        "  the script's settings check (describe-run)",
        formatMs(describe ?? 0),
        `through tsx: ${formatMs(describeTsx ?? 0)}`,
      ],
      ["  Playwright's CLI and config evaluation", formatMs(config ?? 0), ""],
      ["  + collecting the spec", formatMs((collect ?? 0) - (config ?? 0)), ""],
      [
        "  a stack server, spawn to listening",
        formatMs(median(servers["run-ts"] ?? [])),
        `through tsx: ${formatMs(median(servers.tsx ?? []))}`,
      ],
      ["  npx's hop to Playwright (no longer paid)", formatMs((npx ?? 0) - (bin ?? 0)), ""],
    ],
  };
}

/** The stream assertions as they were, beside the generated specs, which then import them instead. */
function assertionsBefore(): string | undefined {
  const source = fileAt(ASSERTIONS_BEFORE, "tests/integration/responses/streaming-assertions.ts");
  if (source === undefined) return undefined;
  const folder = join(BENCH_SUITE_ROOT, "..", "assertions-before");
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "streaming-assertions.ts"), source);
  return join(folder, "streaming-assertions.ts");
}

async function replay(dir: string, recordings: string) {
  generateBenchSuite(TESTS);
  const env = { STACK_TEST_SUITE: "bench", STACK_TEST_RECORDING_DIR: recordings };
  const record = runCommand([...SCRIPT, "--inference-mode", "record", "--workers", "2"], env, dir, "record");
  if (record.status !== 0) throw new Error(`Recording the bench suite failed:\n${logTail(record)}`);
  settle(recordings);
  const configs = STACKS.flatMap((stack) => [1, 2].map((workers) => ({ stack, workers })));
  const runs = rotatedRuns(
    configs.map(
      ({ stack, workers }) =>
        () =>
          runCommand(
            [...SCRIPT, "--stack-config", stack, "--workers", String(workers)],
            env,
            dir,
            `${stack}-${workers}`,
          ),
    ),
    2,
  );
  const rows = configs.map(({ stack, workers }, index) => {
    const done = runs[index] ?? [];
    for (const run of done)
      if (run.status !== 0 || run.tests.length !== TESTS)
        throw new Error(`A replay run failed:\n${logTail(run)}`);
    const wall = median(done.map((run) => run.wallMs));
    return {
      stack,
      workers,
      wall,
      perSecond: TESTS / (wall / 1000),
      test: median(done.flatMap((run) => run.tests.map((test) => test.duration))),
    };
  });
  // The same 500 tests, local with 2 workers, checked with the stream assertions as they were.
  const before = assertionsBefore();
  let comparison: { now: number; before: number } | undefined;
  if (before) {
    const args = [...SCRIPT, "--stack-config", "local", "--workers", "2"];
    const [now, old] = rotatedRuns(
      [
        () => runCommand(args, env, dir, "assertions-now"),
        () => {
          generateBenchSuite(TESTS, { assertions: before });
          try {
            return runCommand(args, env, dir, "assertions-before");
          } finally {
            generateBenchSuite(TESTS);
          }
        },
      ],
      2,
    );
    comparison = {
      now: median((now ?? []).map((run) => run.wallMs)),
      before: median((old ?? []).map((run) => run.wallMs)),
    };
  }
  return { rows, comparison };
}

export async function benchSuite(): Promise<BenchResult> {
  const { dir, remove } = reportFolder();
  const recordings = join(dir, "recordings");
  try {
    const start = await fixedStart(dir, recordings);
    const { rows, comparison } = await replay(dir, recordings);
    const local2 = rows.find((row) => row.stack === "local" && row.workers === 2);
    return {
      title: `The bench suite through scripts/integration-tests.sh (generated specs; medians, runs rotated)`,
      lines: [
        table(["before the first test", "median", ""], start.rows),
        "",
        table(
          [
            "stack config",
            "workers",
            "tests",
            "wall time (start included)",
            "tests/s",
            "median test duration",
          ],
          rows.map((row) => [
            row.stack,
            String(row.workers),
            String(TESTS),
            formatMs(row.wall),
            row.perSecond.toFixed(1),
            formatMs(row.test),
          ]),
        ),
        "",
        comparison
          ? `local, 2 workers, stream checks as before (${ASSERTIONS_BEFORE.slice(0, 7)}, an expect per event): ${formatMs(comparison.before)}; now: ${formatMs(comparison.now)} (${(comparison.before / comparison.now).toFixed(2)}×)`
          : "no comparison with the stream checks before: git could not give them",
        "Half the tests stream and run every check of streaming-assertions.ts; the other half answer whole.",
      ],
      checks: [
        {
          target: `local starts its first test within 2 s (${formatMs(start.local)})`,
          ok: start.local <= 2_000,
        },
        {
          target: `server:local starts its first test within 3 s (${formatMs(start.server)})`,
          ok: start.server <= 3_000,
        },
        {
          target: `${TESTS} tests replay at ≥ 50 tests/s with 2 workers, local (${local2?.perSecond.toFixed(1)} tests/s)`,
          ok: (local2?.perSecond ?? 0) >= 50,
        },
      ],
    };
  } finally {
    removeBenchSuite();
    remove();
  }
}
