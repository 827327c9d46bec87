import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { createRecorder, ReplayMissError, toolRequestHash } from "../../../recorder/index.ts";
import { allFiles, readJson } from "./support/files.ts";
import { temporaryRecordingDir } from "./support/fixtures.ts";

const TEST_ID = "tests/integration/responses/tools.spec.ts::web search[stack=local-txt=scripted/assistant]";
const kwargs = { query: "How many experts does Llama 4 Maverick have?" };
const searchResult = {
  query: kwargs.query,
  results: [{ title: "Llama 4", url: "https://example.test", score: 0.87 }],
};

test("a tool invocation is recorded under Llama Stack's tool hash and replayed without running the tool", async () => {
  const root = temporaryRecordingDir();
  let runs = 0;
  const search = async () => {
    runs++;
    return searchResult;
  };
  const recorder = createRecorder({ mode: "record", recordingDir: root });
  const recorded = await recorder.withTestId(TEST_ID, () =>
    recorder.invokeTool("tavily", "web_search", kwargs, search),
  );
  // The hash of the shared vector "web search tool invocation".
  const hash = "2cf51e1828bcfbf0c47fb9c51439d8c584df42ec38acbf59a3e6bd9d7fea2fd0";
  expect(toolRequestHash({ provider: "tavily", toolName: "web_search", kwargs })).toBe(hash);
  expect(allFiles(root)).toEqual([`responses/${hash}.json`]);
  expect(readJson(join(root, "responses", `${hash}.json`))).toEqual({
    test_id: TEST_ID,
    request: { test_id: TEST_ID, provider: "tavily", tool_name: "web_search", kwargs },
    response: { body: searchResult, is_streaming: false },
    id_normalization_mapping: {},
    recorded_by: { recorder: "responses-harness", upstream: "real" },
  });

  const replayer = createRecorder({ mode: "replay", recordingDir: root });
  const replayed = await replayer.withTestId(TEST_ID, () =>
    replayer.invokeTool("tavily", "web_search", kwargs, search),
  );
  expect(replayed).toEqual(recorded);
  expect(replayed).toEqual(searchResult);
  expect(runs).toBe(1);
});

test("a tool replay miss names the tool, and the nearest recording's kwargs diff", async () => {
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode: "record", recordingDir: root });
  await recorder.withTestId(TEST_ID, () =>
    recorder.invokeTool("tavily", "web_search", kwargs, async () => searchResult),
  );
  const replayer = createRecorder({ mode: "replay", recordingDir: root });
  const error = await replayer
    .withTestId(TEST_ID, () =>
      replayer.invokeTool("tavily", "web_search", { query: "How many experts?" }, async () => searchResult),
    )
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ReplayMissError);
  expect((error as Error).message).toContain("No recording for tool invocation tavily.web_search");
  expect((error as Error).message).toContain(
    '- kwargs.query: "How many experts does Llama 4 Maverick have?"',
  );
  expect((error as Error).message).toContain('+ kwargs.query: "How many experts?"');
});

test("a failing tool records nothing", async () => {
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode: "record", recordingDir: root });
  await expect(
    recorder.withTestId(TEST_ID, () =>
      recorder.invokeTool("tavily", "web_search", kwargs, async () => {
        throw new Error("search provider is down");
      }),
    ),
  ).rejects.toThrow("search provider is down");
  expect(allFiles(root)).toEqual([]);
});

test("live mode runs the tool every time and writes nothing", async () => {
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode: "live", recordingDir: root });
  let runs = 0;
  for (let i = 0; i < 2; i++) {
    await recorder.invokeTool("tavily", "web_search", kwargs, async () => ({ run: ++runs }));
  }
  expect(runs).toBe(2);
  expect(allFiles(root)).toEqual([]);
});
