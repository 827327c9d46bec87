/**
 * What a reviewer finds in the report: each test's recorded interactions, and on a
 * replay miss the nearest recording, the diff and the command that records it. Runs
 * the real suite through Playwright, as a user does.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { PROJECT_ROOT } from "../../integration/fixtures/settings.ts";

const TITLE = "test_response_function_call_ordering_2";

interface Attachment {
  name: string;
  contentType: string;
  body?: string;
}

interface ReportSuite {
  specs?: Array<{
    title: string;
    tests: Array<{
      results: Array<{ status: string; attachments: Attachment[]; errors: Array<{ message: string }> }>;
    }>;
  }>;
  suites?: ReportSuite[];
}

function runSuite(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "report-"));
  const report = join(dir, "results.json");
  const run = spawnSync("npx", ["playwright", "test", "--grep", TITLE], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      ...env,
      STACK_TEST_JSON_REPORT: report,
      STACK_TEST_HTML_REPORT: join(dir, "html"),
    },
    encoding: "utf8",
  });
  const suites = (JSON.parse(readFileSync(report, "utf8")) as { suites: ReportSuite[] }).suites;
  type Result = { status: string; attachments: Attachment[]; errors: Array<{ message: string }> };
  const find = (list: ReportSuite[]): Result | undefined => {
    for (const suite of list) {
      const spec = suite.specs?.find((candidate) => candidate.title === TITLE);
      if (spec) return spec.tests[0]?.results[0];
      const nested = find(suite.suites ?? []);
      if (nested) return nested;
    }
    return undefined;
  };
  const result = find(suites);
  if (!result) throw new Error(`no result for ${TITLE}:\n${run.stdout}\n${run.stderr}`);
  const text = (name: string) => {
    const attachment = result.attachments.find((candidate) => candidate.name === name);
    return attachment?.body === undefined
      ? undefined
      : Buffer.from(attachment.body, "base64").toString("utf8");
  };
  return { run, result, text };
}

test("each test attaches the interactions it replayed: the call, what came back, the request", () => {
  const { run, result, text } = runSuite({});
  expect(run.status).toBe(0);
  expect(result.status).toBe("passed");
  const attached = JSON.parse(text("recorded interactions") ?? "{}");
  expect(attached.testId).toBe(
    "tests/integration/responses/test_tool_responses.spec.ts::test_response_function_call_ordering_2[stack=local-txt=scripted/assistant]",
  );
  expect(
    attached.interactions.map((interaction: { source: string; call: string }) => [
      interaction.source,
      interaction.call,
    ]),
  ).toEqual([
    ["replayed", "POST /v1/chat/completions scripted/assistant"],
    ["replayed", "POST /v1/chat/completions scripted/assistant"],
  ]);
  const [first, second] = attached.interactions;
  expect(
    first.response.stream.tool_calls.map(
      (call: { arguments: string }) => JSON.parse(call.arguments).location,
    ),
  ).toEqual(["San Francisco, USA", "Los Angeles, USA"]);
  expect(second.response.stream.content).toContain("Los Angeles");
  // Each function call fed back is an assistant message of its own, followed by its output.
  expect(second.request.body.messages.map((message: { role: string }) => message.role)).toEqual([
    "user",
    "assistant",
    "tool",
    "assistant",
    "tool",
  ]);
  for (const interaction of attached.interactions)
    expect(readdirSync(join(PROJECT_ROOT, "recordings", "responses"))).toContain(
      interaction.file.split("/").at(-1),
    );
  expect(attached.misses).toEqual([]);
});

test("a replay miss fails the test with the nearest recording, the diff and the command that records it", () => {
  // A copy of the recordings where the test's first call was recorded for an older prompt.
  const recordings = mkdtempSync(join(tmpdir(), "recordings-"));
  cpSync(join(PROJECT_ROOT, "recordings"), recordings, { recursive: true });
  const folder = join(recordings, "responses");
  const first = readdirSync(folder).find((name) => {
    const recording = JSON.parse(readFileSync(join(folder, name), "utf8"));
    return recording.test_id.includes(`::${TITLE}[`) && recording.request.body.messages.length === 1;
  });
  const stale = JSON.parse(readFileSync(join(folder, first ?? ""), "utf8"));
  stale.request.body.messages[0].content = "Is the weather better in San Diego or Los Angeles?";
  writeFileSync(join(folder, first ?? ""), JSON.stringify(stale, null, 2));
  renameSync(join(folder, first ?? ""), join(folder, `${"0".repeat(64)}.json`));

  const { run, result, text } = runSuite({ STACK_TEST_RECORDING_DIR: recordings });
  expect(run.status).not.toBe(0);
  expect(result.status).toBe("failed");
  const miss = result.errors[0]?.message ?? "";
  expect(JSON.parse(text("recorded interactions") ?? "{}").misses).toEqual([
    miss.replace(/^ReplayMissError: /, "").split("\n\n")[0],
  ]);
  expect(miss).toContain("No recording for POST http://scripted.local/v1/chat/completions");
  expect(miss).toContain(
    `nearest recording of this test and endpoint: ${join(folder, `${"0".repeat(64)}.json`)}`,
  );
  expect(miss).toContain('- body.messages[0].content: "Is the weather better in San Diego or Los Angeles?"');
  expect(miss).toContain(
    '+ body.messages[0].content: "Is the weather better in San Francisco or Los Angeles?"',
  );
  expect(miss).toContain(
    `to record it: STACK_TEST_RECORDING_DIR=${recordings} ./scripts/integration-tests.sh --stack-config local --suite responses --setup scripted --inference-mode record-if-missing --pattern test_response_function_call_ordering_2`,
  );
  // The failure itself says the same, so a reader of the terminal needs no report.
  expect(run.stdout).toContain("nearest recording of this test and endpoint");
});
