/**
 * The package's Playwright fixtures, used here as a consumer uses them: calls made
 * through the test's recorder, through a stack built once per worker, and through a
 * recording proxy sharing the worker's recorder are all filed under the running test.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { test as base, expect } from "../../../playwright/fixtures.ts";
import { parseUpstreams, type RecordingProxyServer, startRecordingProxy } from "../../../proxy/index.ts";
import type { FetchLike } from "../../../recorder/index.ts";
import { echoChat } from "../proxy/support/echo-provider.ts";
import { UpstreamServer } from "../recorder/support/upstream-server.ts";

// One folder per worker process: each worker records afresh.
const recordingDir = mkdtempSync(join(tmpdir(), "fixtures-"));

interface Worker {
  upstream: UpstreamServer;
  /** A stack built once per worker: it knows nothing of tests. */
  assistant: { ask(question: string): Promise<string | null> };
  recordingProxy: RecordingProxyServer;
}

const test = base.extend<object, Worker>({
  upstream: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      const upstream = await new UpstreamServer().start();
      upstream.routes.set("POST /v1/chat/completions", echoChat);
      await use(upstream);
      await upstream.stop();
    },
    { scope: "worker" },
  ],
  assistant: [
    async ({ recorderPorts, upstream }, use) => {
      const client = openai(`${upstream.baseUrl}/v1`, recorderPorts.fetch);
      await use({
        ask: async (question) => (await chat(client, question)).choices[0]?.message.content ?? null,
      });
    },
    { scope: "worker" },
  ],
  recordingProxy: [
    async ({ workerRecorder, upstream }, use) => {
      const proxy = await startRecordingProxy({
        upstreams: parseUpstreams([`openai=${upstream.baseUrl}/v1`]),
        current: workerRecorder.current,
      });
      await use(proxy);
      await proxy.close();
    },
    { scope: "worker" },
  ],
});
test.use({ recorderOptions: { mode: "record", recordingDir }, testIdParameters: "stack=mine-txt=gpt-4o" });

function openai(baseURL: string, fetch?: FetchLike): OpenAI {
  return new OpenAI({ apiKey: "sk-fixtures-test", baseURL, maxRetries: 0, ...(fetch ? { fetch } : {}) });
}

function chat(client: OpenAI, question: string) {
  return client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
}

/** The test ids of the recordings made so far. */
function recordedTestIds(): string[] {
  const folder = join(recordingDir, "package");
  return readdirSync(folder).map((file) => JSON.parse(readFileSync(join(folder, file), "utf8")).test_id);
}

test("a client on the test's recorder records under the test's id", async ({
  recorder,
  testId,
  upstream,
}) => {
  expect(testId).toBe(
    "tests/unit/package/fixtures.test.ts::a client on the test's recorder records under the test's id[stack=mine-txt=gpt-4o]",
  );
  expect(recorder.headers["x-test-id"]).toBe(testId);
  const completion = await chat(openai(`${upstream.baseUrl}/v1`, recorder.fetch), "Who are you?");
  expect(completion.choices[0]?.message.content).toBe("You asked: Who are you?");
  expect(recorder.interactions().map((interaction) => [interaction.source, interaction.call])).toEqual([
    ["recorded", "POST /v1/chat/completions gpt-4o"],
  ]);
  expect(recordedTestIds()).toContain(testId);
});

test("a worker's stack and a proxy on the worker's recorder file their calls under the running test", async ({
  assistant,
  recordingProxy,
  recorder,
  testId,
}) => {
  expect(await assistant.ask("What is 2 + 2?")).toBe("You asked: What is 2 + 2?");
  // No test-id header: the proxy follows the test running in the worker.
  const viaProxy = await chat(openai(recordingProxy.baseUrls.openai as string), "And 3 + 3?");
  expect(viaProxy.choices[0]?.message.content).toBe("You asked: And 3 + 3?");
  expect(recorder.interactions().map((interaction) => interaction.request.body)).toEqual([
    expect.objectContaining({ messages: [{ role: "user", content: "What is 2 + 2?" }] }),
    expect.objectContaining({ messages: [{ role: "user", content: "And 3 + 3?" }] }),
  ]);
  expect(recordedTestIds().filter((id) => id === testId)).toHaveLength(2);
});
