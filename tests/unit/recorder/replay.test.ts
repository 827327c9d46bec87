import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { createRecorder, Journal, ReplayMissError } from "../../../recorder/index.ts";
import {
  recordingDirWithSeed,
  SEED_FILE,
  SEED_HASH,
  seed,
  temporaryRecordingDir,
} from "./support/fixtures.ts";

/** The URL Llama Stack's recorder stored: its OpenAI base URL already ended in /v1. */
const SEED_BASE_URL = "https://api.openai.com/v1/v1";

function seedClient(fetch: OpenAI["fetch"]) {
  return new OpenAI({ apiKey: "sk-test-not-a-key", baseURL: SEED_BASE_URL, fetch, maxRetries: 0 });
}

const noNetwork = async (): Promise<Response> => {
  throw new Error("replay must not call upstream");
};

test("Llama Stack's seed recording replays unchanged through the openai SDK", async () => {
  const recording = seed();
  const recorder = createRecorder({
    mode: "replay",
    recordingDir: recordingDirWithSeed(),
    upstream: noNetwork,
  });
  const calls = await recorder.withTestId(recording.test_id, async () => {
    const stream = await seedClient(recorder.fetch).chat.completions.create({
      ...(recording.request.body as unknown as OpenAI.ChatCompletionCreateParamsStreaming),
    });
    const byIndex: Array<{ id: string; name: string; arguments: string }> = [];
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        byIndex[call.index] ??= { id: "", name: "", arguments: "" };
        const entry = byIndex[call.index] as { id: string; name: string; arguments: string };
        entry.id ||= call.id ?? "";
        entry.name ||= call.function?.name ?? "";
        entry.arguments += call.function?.arguments ?? "";
      }
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    return { byIndex, finishReason };
  });
  expect(calls.finishReason).toBe("tool_calls");
  expect(calls.byIndex.map((call) => [call.name, JSON.parse(call.arguments).location])).toEqual([
    ["get_weather", "San Francisco, USA"],
    ["get_weather", "Los Angeles, USA"],
  ]);
  expect(calls.byIndex[0]?.id).toBe("call_VeQ0JBvrjUPMx6FVQliYseD6");
});

test("a client on OpenAI's real base URL finds Llama Stack's recording, which files the call under /v1/v1/", async () => {
  const recording = seed();
  const recorder = createRecorder({
    mode: "replay",
    recordingDir: recordingDirWithSeed(),
    upstream: noNetwork,
  });
  const client = new OpenAI({
    apiKey: "sk-test-not-a-key",
    baseURL: "https://api.openai.com/v1",
    fetch: recorder.fetch,
    maxRetries: 0,
  });
  const replayed: string[] = [];
  recorder.onInteraction((interaction) => replayed.push(interaction.file));
  const chunks = await recorder.withTestId(recording.test_id, async () => {
    const stream = await client.chat.completions.create({
      ...(recording.request.body as unknown as OpenAI.ChatCompletionCreateParamsStreaming),
    });
    let count = 0;
    for await (const _ of stream) count++;
    return count;
  });
  expect(chunks).toBeGreaterThan(0);
  expect(replayed).toEqual([expect.stringContaining(SEED_HASH)]);
});

test("the replayed stream is the recorded chunks framed as chat-completions SSE, the same bytes every time", async () => {
  const recording = seed();
  const recorder = createRecorder({
    mode: "replay",
    recordingDir: recordingDirWithSeed(),
    upstream: noNetwork,
  });
  const request = () =>
    recorder.withTestId(recording.test_id, async () => {
      const response = await recorder.fetch(`${SEED_BASE_URL}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-whatever" },
        body: JSON.stringify(recording.request.body),
      });
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      return response.text();
    });
  const first = await request();
  const expected = `${recording.response.body.map((chunk) => `data: ${JSON.stringify(chunk.__data__)}\n\n`).join("")}data: [DONE]\n\n`;
  expect(first).toBe(expected);
  expect(await request()).toBe(first);
});

test("a replay miss names the request, the folders, the nearest recording with a diff, and how to record", async () => {
  const recording = seed();
  const root = recordingDirWithSeed();
  const recorder = createRecorder({
    mode: "replay",
    recordingDir: root,
    upstream: noNetwork,
    recordCommand: () => "./scripts/integration-tests.sh --inference-mode record-if-missing",
  });
  const missed: ReplayMissError[] = [];
  recorder.onMiss((error) => missed.push(error));
  const body = { ...recording.request.body, messages: [{ role: "user", content: "Is it sunny in Paris?" }] };
  const error = await recorder
    .withTestId(recording.test_id, () =>
      recorder.fetch(`${SEED_BASE_URL}/chat/completions`, { method: "POST", body: JSON.stringify(body) }),
    )
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ReplayMissError);
  const message = (error as Error).message;
  expect(message).toContain(`test id: ${recording.test_id}`);
  expect(message).toContain(`POST ${SEED_BASE_URL}/chat/completions`);
  expect(message).toMatch(/hash: {4}[0-9a-f]{64}/);
  expect(message).toContain("model:   gpt-4o");
  expect(message).toContain(`searched: ${join(root, "responses")}, ${join(root, "common")}`);
  expect(message).toContain(
    `nearest recording of this test and endpoint: ${join(root, "responses", `${SEED_HASH}.json`)}`,
  );
  expect(message).toContain(
    '- body.messages[0].content: "Is the weather better in San Francisco or Los Angeles?"',
  );
  expect(message).toContain('+ body.messages[0].content: "Is it sunny in Paris?"');
  expect(message).toContain(
    "to record it: ./scripts/integration-tests.sh --inference-mode record-if-missing",
  );
  expect(missed).toEqual([error]);
});

test("through the SDK a miss surfaces as the cause of its connection error, and nothing is retried upstream", async () => {
  let upstreamCalls = 0;
  const recorder = createRecorder({
    mode: "replay",
    recordingDir: temporaryRecordingDir(),
    upstream: async () => {
      upstreamCalls++;
      return new Response("{}");
    },
  });
  const error = await recorder
    .withTestId("tests/integration/responses/a.spec.ts::t", () =>
      seedClient(recorder.fetch).chat.completions.create({
        model: "m",
        messages: [{ role: "user", content: "hi" }],
      }),
    )
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
  expect((error as Error).cause).toBeInstanceOf(ReplayMissError);
  expect(((error as Error).cause as Error).message).toContain(
    "no recording of this test and endpoint exists yet",
  );
  expect(upstreamCalls).toBe(0);
});

test("lookups try the suite's folder, then common/", async () => {
  const recording = seed();
  const root = temporaryRecordingDir();
  mkdirSync(join(root, "common"), { recursive: true });
  copyFileSync(SEED_FILE, join(root, "common", `${SEED_HASH}.json`));
  const recorder = createRecorder({ mode: "replay", recordingDir: root, upstream: noNetwork });
  const files: string[] = [];
  recorder.onInteraction((interaction) => files.push(interaction.file));
  await recorder.withTestId(recording.test_id, async () => {
    const response = await recorder.fetch(`${SEED_BASE_URL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify(recording.request.body),
    });
    await response.text();
  });
  expect(files).toEqual([join(root, "common", `${SEED_HASH}.json`)]);
});

test("an unknown mode is an error that lists the valid ones", () => {
  expect(() => createRecorder({ env: { STACK_TEST_INFERENCE_MODE: "replay-only" } })).toThrow(
    'Unknown inference mode "replay-only" (from STACK_TEST_INFERENCE_MODE). Valid modes: replay, record, record-if-missing, live.',
  );
  expect(createRecorder({ env: {} }).mode).toBe("replay");
  expect(createRecorder({ env: { STACK_TEST_INFERENCE_MODE: "Record-If-Missing" } }).mode).toBe(
    "record-if-missing",
  );
});

test("the recordings folder comes from STACK_TEST_RECORDING_DIR, else recordings/", () => {
  expect(createRecorder({ env: { STACK_TEST_RECORDING_DIR: "/tmp/elsewhere" } }).store.root).toBe(
    "/tmp/elsewhere",
  );
  expect(createRecorder({ env: {} }).store.root).toBe(join(process.cwd(), "recordings"));
});

test("a corrupt or schema-invalid recording is an error naming the file", async () => {
  const recording = seed();
  const root = temporaryRecordingDir();
  const file = join(root, "responses", `${SEED_HASH}.json`);
  mkdirSync(join(root, "responses"));
  const recorder = createRecorder({ mode: "replay", recordingDir: root, upstream: noNetwork });
  const replaySeed = () =>
    recorder.withTestId(recording.test_id, () =>
      recorder.fetch(`${SEED_BASE_URL}/chat/completions`, {
        method: "POST",
        body: JSON.stringify(recording.request.body),
      }),
    );

  writeFileSync(file, '{"test_id": "x", "request": ');
  await expect(replaySeed()).rejects.toThrow(`Recording file ${file} is not valid JSON`);

  writeFileSync(file, JSON.stringify({ test_id: "x", request: { method: "POST" }, response: { body: {} } }));
  await expect(replaySeed()).rejects.toThrow(`Recording file ${file} does not match recording.schema.json`);
});

test("model lists replay merged across the files recorded for different model sets", async () => {
  const root = temporaryRecordingDir();
  const recorder = createRecorder({
    mode: "record",
    recordingDir: root,
    upstream: modelsUpstream(["gpt-4o", "a"]),
  });
  const client = new OpenAI({ apiKey: "k", baseURL: "http://upstream.test/v1", fetch: recorder.fetch });
  await client.models.list();
  const second = createRecorder({
    mode: "record",
    recordingDir: root,
    upstream: modelsUpstream(["b", "gpt-4o"]),
  });
  await new OpenAI({ apiKey: "k", baseURL: "http://upstream.test/v1", fetch: second.fetch }).models.list();

  const replay = createRecorder({ mode: "replay", recordingDir: root, upstream: noNetwork });
  // Inside a test too: model lists are shared infrastructure, not keyed by test.
  const models = await replay.withTestId("tests/integration/responses/x.spec.ts::y", async () =>
    (
      await new OpenAI({ apiKey: "k", baseURL: "http://upstream.test/v1", fetch: replay.fetch }).models.list()
    ).data.map((model) => model.id),
  );
  expect(models).toEqual(["a", "b", "gpt-4o"]);
});

function modelsUpstream(ids: string[]) {
  return async () =>
    Response.json({
      object: "list",
      data: ids.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "test" })),
    });
}

test("the journal keeps each miss as data too: the endpoint, the body asked for, the nearest recording", async () => {
  const recording = seed();
  const recorder = createRecorder({
    mode: "replay",
    recordingDir: recordingDirWithSeed(),
    upstream: noNetwork,
  });
  const journal = new Journal(recorder);
  journal.begin(recording.test_id);
  const body = { ...recording.request.body, messages: [{ role: "user", content: "Something else" }] };
  await recorder
    .withTestId(recording.test_id, () =>
      seedClient(recorder.fetch).chat.completions.create(
        body as unknown as OpenAI.ChatCompletionCreateParams,
      ),
    )
    .catch(() => undefined);
  const { misses, missed } = journal.peek(recording.test_id);
  expect(misses).toHaveLength(1);
  expect(missed).toEqual([
    {
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      endpoint: "/v1/chat/completions",
      body: expect.objectContaining({ messages: [{ role: "user", content: "Something else" }] }),
      nearest: expect.stringContaining(SEED_HASH),
    },
  ]);
});
