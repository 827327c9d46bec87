/**
 * What a test leaves in the report: its transcript (client → stack → provider, in order)
 * as an annotation, its journal as JSON, a step per client call titled by what
 * happened, and what it did below the stack as an annotation and a tag. Runs the
 * harness's own suite through Playwright, as a user runs a suite.
 */
import { expect, test } from "@playwright/test";
import { recordSelftest, runSelftest, type SuiteRun, type TestResult } from "./support/selftest.ts";

test.describe.configure({ mode: "serial" });

let run: SuiteRun;

test.beforeAll(() => {
  test.setTimeout(60_000);
  const recordings = recordSelftest();
  run = runSelftest({ STACK_TEST_RECORDING_DIR: recordings, STACK_TEST_STACK_CONFIG: "local,server:local" });
});

interface Step {
  title: string;
  steps?: Step[];
}

const annotation = (result: TestResult | undefined, type: string) =>
  result?.annotations.find((candidate) => candidate.type === type)?.description;
const stepTitles = (result: TestResult | undefined) =>
  ((result as unknown as { steps: Step[] } | undefined)?.steps ?? []).map((step) => step.title);

test("a test's transcript follows each client call down to the provider, library and server alike", () => {
  expect(run.status, run.stdout).toBe(0);
  const [local, server] = run.results("calls a tool");
  const text = annotation(local, "transcript") ?? "";
  expect(text).toContain("calls a tool  [local × scripted (txt=scripted/assistant)]");
  expect(text).toContain("replay mode · 2 client calls · 2 upstream calls (2 replayed)");
  // The first call: its parameters, the upstream call it caused, the messages and tools sent, what came back.
  expect(text).toMatch(
    /1\. responses\.create → completed: function_call get_weather {2}\(\d+ ms, tests\/unit\/harness\/selftest\/selftest\.spec\.ts:\d+\)\n {3}model: scripted\/assistant\n {3}input: "What is the weather in Paris\?"\n {3}tools: get_weather\n {3}▸ replayed POST \/v1\/chat\/completions scripted\/assistant\n {7}file {7}\S+\/selftest\/[0-9a-f]{64}\.json\n {7}sent {7}user: "What is the weather in Paris\?"\n {7}tools {6}get_weather\n {7}came back {2}stream of \d+ chunks, finish_reason tool_calls: get_weather\(\{"city":"Paris"\}\)/,
  );
  expect(text).toMatch(/2\. responses\.create → completed: "It is sunny in Paris, 24 °C\."/);
  expect(text).toMatch(/input: function_call_output call_\w+: sunny, 24 °C/);
  expect(text).toMatch(/sent {7}tool call_\w+: "sunny, 24 °C"/);
  // The same story from the server form of the stack.
  expect(annotation(server, "transcript")).toContain("calls a tool  [server:local × scripted");
  expect(
    annotation(server, "transcript")
      ?.split("\n")
      .slice(3)
      .join("\n")
      .replace(/\d+ ms/g, ""),
  ).toBe(
    text
      .split("\n")
      .slice(3)
      .join("\n")
      .replace(/\d+ ms/g, ""),
  );

  // The journal as JSON beside it: what was called, what came back, then the request.
  const journal = JSON.parse(run.text(local as TestResult, "recorded interactions") ?? "{}");
  expect(Object.keys(journal.interactions[0])).toEqual([
    "source",
    "call",
    "file",
    "origin",
    "response",
    "request",
  ]);
  expect(journal.misses).toEqual([]);
});

test("each client call is a step titled by what it did; each test says what it did below the stack", () => {
  const [streamed] = run.results("answers › streamed");
  expect(stepTitles(streamed)).toContainEqual(
    expect.stringMatching(
      /^responses\.create stream → \d+ events, completed: "Hello there, and welcome to the harness\."$/,
    ),
  );
  expect(stepTitles(run.results("answers › at once")[0])).toEqual(
    expect.arrayContaining([
      'responses.create → completed: "Mars is a planet."',
      'responses.create → completed: "Venus is another one."',
    ]),
  );
  expect(stepTitles(run.results("expects a failed stream")[0])).toContainEqual(
    expect.stringMatching(
      /^responses\.create stream → \d+ events, failed: Inference provider 'scripted' failed: connection reset/,
    ),
  );
  expect(annotation(streamed, "recordings")).toBe("replayed 1");
  expect(annotation(run.results("answers › at once")[0], "recordings")).toBe("replayed 2");
  // The tag beside each title, in the terminal too.
  expect(run.stdout).toMatch(/answers › streamed @replayed/);
});
