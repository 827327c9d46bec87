/**
 * Built-in tools in the report: a web search is a tool invocation in the test's
 * "recorded interactions" attachment (provider, tool, kwargs, recorded or replayed), beside
 * the inference around it; an MCP server's traffic is the test's own and is not recorded,
 * as in Llama Stack. Runs the harness's own suite through Playwright, library and server.
 */
import { expect, test } from "@playwright/test";
import { runSelftest, tempDir } from "./support/selftest.ts";

interface Attached {
  interactions: Array<{ source: string; call: string; request: { kwargs?: unknown } }>;
}

test("a web search is a tool invocation in the recorded interactions, recorded then replayed", () => {
  test.setTimeout(120_000);
  const recordings = tempDir("tool-report");
  const calls = (mode: string, stackConfig: string) => {
    const run = runSelftest(
      {
        STACK_TEST_RECORDING_DIR: recordings,
        STACK_TEST_INFERENCE_MODE: mode,
        STACK_TEST_STACK_CONFIG: stackConfig,
      },
      ["--grep", "uses built-in tools"],
    );
    const results = run.results("uses built-in tools");
    expect(
      results.map((result) => result.status),
      `${run.stdout}\n${run.stderr}`,
    ).toEqual(results.map(() => "passed"));
    return results.map((result) => JSON.parse(run.text(result, "recorded interactions") ?? "{}") as Attached);
  };
  const expected = (source: string) => [
    { source, call: "POST /v1/chat/completions scripted/assistant" },
    { source, call: "tool scripted.web_search", kwargs: { query: "myawesomeliquid boiling point" } },
    { source, call: "POST /v1/chat/completions scripted/assistant" },
  ];
  const summary = (attached: Attached) =>
    attached.interactions.map(({ source, call, request }) => ({
      source,
      call,
      ...(request.kwargs ? { kwargs: request.kwargs } : {}),
    }));
  expect(calls("record", "local").map(summary)).toEqual([expected("recorded")]);
  expect(calls("replay", "local,server:local").map(summary)).toEqual([
    expected("replayed"),
    expected("replayed"),
  ]);
});
