/**
 * A call replay cannot answer fails its test with that, first, whole: a missing or an
 * unreadable recording, streamed or not, library or server, and even in a test that
 * expects its stream to fail. Runs the harness's own suite through Playwright.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { PROJECT_ROOT } from "../../integration/fixtures/settings.ts";
import { expectBasicEventSequence } from "../../integration/responses/streaming-assertions.ts";
import {
  recordingsOf,
  recordSelftest,
  reportEnv,
  runSelftest,
  runSelftestScript,
  suiteRun,
  tempDir,
} from "./support/selftest.ts";

test.describe.configure({ mode: "serial" });

/** Whitespace and line breaks as one space: the report wraps long lines. */
const flat = (text: string | undefined) => (text ?? "").replace(/\s+/g, " ");

/** The command a miss ends with: its first line and the lines it continues onto. */
function recordCommandIn(message: string): string {
  const lines = message.split("to record it: ")[1]?.split("\n") ?? [];
  const end = lines.findIndex((line) => !line.endsWith(" \\"));
  return lines.slice(0, end + 1).join("\n");
}

let recordings: string;
let corrupt: string;
let firstTurn: string;

test.beforeAll(() => {
  recordings = recordSelftest();
  // A streamed test whose recording is corrupt, a streamed test that expects its stream to
  // fail whose recording is gone, and a test missing only its second turn.
  const [streamed = ""] = recordingsOf(recordings, "answers > streamed");
  const [failedStream = ""] = recordingsOf(recordings, "expects a failed stream");
  const [first = "", second = ""] = recordingsOf(recordings, "answers > at once");
  corrupt = streamed;
  firstTurn = first;
  writeFileSync(corrupt, '{"test_id": "half a file');
  rmSync(failedStream);
  rmSync(second);
});

test("each failure is the test's first error, whole, in the terminal too, library and server alike", () => {
  test.setTimeout(60_000);
  const run = runSelftest({
    STACK_TEST_RECORDING_DIR: recordings,
    STACK_TEST_STACK_CONFIG: "local,server:local",
  });
  expect(run.status).toBe(1);

  const [local, server] = run.results("answers › streamed");
  for (const result of [local, server]) {
    expect(result?.status).toBe("failed");
    expect(flat(result?.errors[0]?.message)).toMatch(
      new RegExp(`^RecordingFileError: Recording file ${corrupt} is not valid JSON`),
    );
  }

  for (const result of run.results("expects a failed stream")) {
    expect(result.status).toBe("failed");
    const first = result.errors[0]?.message ?? "";
    expect(first).toMatch(
      /^ReplayMissError: No recording for POST http:\/\/scripted\.local\/v1\/chat\/completions/,
    );
    expect(first).toContain("no recording of this test and endpoint exists yet.");
  }

  for (const [index, result] of run.results("answers › at once").entries()) {
    const first = result.errors[0]?.message ?? "";
    expect(first).toMatch(/^ReplayMissError: No recording for POST/);
    expect(first).toMatch(/hash: {4}[0-9a-f]{64}/);
    // The nearest recording is the test's first turn; the diff shows the turn it lacks.
    expect(flat(first)).toContain(`nearest recording of this test and endpoint: ${firstTurn}`);
    expect(first).toContain('+ body.messages[2]: {"role":"user","content":"And another?"}');
    expect(first).toContain(`--stack-config ${index === 0 ? "local" : "server:local"}`);
  }

  // The untouched test still passes: a failure stays with its test.
  expect(run.results("calls a tool").map((result) => result.status)).toEqual(["passed", "passed"]);

  // The list reporter prints each failure whole: the file, the diff and the command.
  expect(flat(run.stdout)).toContain(`Recording file ${corrupt} is not valid JSON`);
  expect(run.stdout).toContain('+ body.messages[2]: {"role":"user","content":"And another?"}');
  const command = recordCommandIn(run.results("answers › at once")[0]?.errors[0]?.message ?? "");
  expect(command).toContain("--inference-mode record-if-missing");
  for (const line of command.split("\n")) expect(run.stdout).toContain(line.trim());
  expect(run.stdout).not.toContain("output_text.delta events");
});

test("the line reporter prints the failure whole as well, and its command records what missed", () => {
  test.setTimeout(60_000);
  const run = runSelftest({ STACK_TEST_RECORDING_DIR: recordings }, ["--grep", "at once"], {
    reporter: "line",
  });
  expect(run.status).toBe(1);
  const message = run.results("answers › at once")[0]?.errors[0]?.message ?? "";
  for (const line of message.split("\n")) expect(run.stdout).toContain(line);

  // Pasted into a shell as printed, the command records the missing turn, and only that.
  const record = spawnSync("bash", ["-c", recordCommandIn(message)], { cwd: PROJECT_ROOT, encoding: "utf8" });
  expect(record.status, record.stdout + record.stderr).toBe(0);
  expect(record.stdout).toContain("Recordings written: 1 new, 0 changed, 0 unchanged");
  expect(readFileSync(firstTurn, "utf8")).toContain("Mars");
  expect(runSelftest({ STACK_TEST_RECORDING_DIR: recordings }, ["--grep", "at once"]).status).toBe(0);
});

test.describe("streaming assertions", () => {
  const response = (status: string, error: { code: string; message: string } | null) =>
    ({ id: "resp_1", object: "response", status, error, output: [] }) as never;
  const stream = (terminal: string, error: { code: string; message: string } | null) =>
    [
      { type: "response.created", sequence_number: 0, response: response("in_progress", null) },
      { type: "response.in_progress", sequence_number: 1, response: response("in_progress", null) },
      { type: terminal, sequence_number: 2, response: response(terminal.slice(9), error) },
    ] as ResponseStreamEvent[];

  test("a stream that ends in response.failed fails the check, with the failure's message", () => {
    const failed = stream("response.failed", { code: "server_error", message: "the provider hung up" });
    expect(() => expectBasicEventSequence(failed)).toThrow(
      "The stream ended in response.failed: the provider hung up",
    );
  });

  test("unless the test expects it, and then only that", () => {
    const failed = stream("response.failed", { code: "server_error", message: "the provider hung up" });
    expectBasicEventSequence(failed, { terminal: ["response.failed"] });
    expect(() =>
      expectBasicEventSequence(stream("response.completed", null), { terminal: ["response.failed"] }),
    ).toThrow("the terminal event response.completed is one the test accepts");
    expectBasicEventSequence(stream("response.completed", null));
  });
});

test("--max-failures stops a run where everything misses after that many, each with its miss, and says how many did not run", () => {
  test.setTimeout(60_000);
  const env = { ...reportEnv(), STACK_TEST_RECORDING_DIR: tempDir("empty-recordings") };
  const run = runSelftestScript(["--workers", "1", "--max-failures", "2"], env);
  expect(run.status).toBe(1);
  const failed = [...suiteRun(env, run).all().values()].flat().filter((result) => result.status === "failed");
  expect(failed).toHaveLength(2);
  for (const result of failed)
    expect(result.errors[0]?.message).toMatch(/^ReplayMissError: No recording for POST/);
  expect(run.stderr).toMatch(
    /Stopped after 2 failed tests \(--max-failures 2\): [1-9]\d* tests did not run\./,
  );

  const wrong = runSelftestScript(["--max-failures", "0"]);
  expect(wrong.status).toBe(1);
  expect(wrong.stderr).toContain("Error: --max-failures must be a positive integer, not '0'");
});
