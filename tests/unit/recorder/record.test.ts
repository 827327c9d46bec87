import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { type ApiRecorder, createRecorder } from "../../../recorder/index.ts";
import { allFiles, readJson } from "./support/files.ts";
import { temporaryRecordingDir } from "./support/fixtures.ts";
import {
  chatCompletion,
  embeddingsResponse,
  embeddingVectors,
  liveSeedChunks,
  responsesEvents,
  textChunks,
} from "./support/upstream-data.ts";
import {
  brokenChatStream,
  chatStream,
  json,
  responsesStream,
  UpstreamServer,
} from "./support/upstream-server.ts";

const TEST_ID = "tests/integration/responses/record.spec.ts::records a call[stack=local-txt=m-1]";
const noNetwork = async (): Promise<Response> => {
  throw new Error("replay must not call upstream");
};

let upstream: UpstreamServer;
test.beforeEach(async () => {
  upstream = await new UpstreamServer().start();
});
test.afterEach(async () => {
  await upstream.stop();
});

function clientFor(recorder: ApiRecorder): OpenAI {
  return new OpenAI({
    apiKey: "sk-test-not-a-key",
    baseURL: `${upstream.baseUrl}/v1`,
    fetch: recorder.fetch,
    maxRetries: 0,
  });
}

/** Runs `call` once recording, once replaying from what was recorded; returns both results. */
async function recordThenReplay<T>(
  call: (client: OpenAI) => Promise<T>,
  mode: "record" | "record-if-missing" = "record",
) {
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode, recordingDir: root });
  const recorded = await recorder.withTestId(TEST_ID, () => call(clientFor(recorder)));
  const requestsWhileRecording = upstream.requests.length;
  const replayer = createRecorder({ mode: "replay", recordingDir: root, upstream: noNetwork });
  const replayed = await replayer.withTestId(TEST_ID, () => call(clientFor(replayer)));
  expect(upstream.requests.length).toBe(requestsWhileRecording);
  return { root, recorded, replayed, files: allFiles(root) };
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

test("a streamed chat completion replays as the same SDK objects, ids and timestamps normalized", async () => {
  upstream.routes.set("POST /v1/chat/completions", chatStream(liveSeedChunks()));
  const { root, recorded, replayed, files } = await recordThenReplay(async (client) =>
    collect(
      await client.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "Is the weather better in San Francisco or Los Angeles?" }],
        stream: true,
      }),
    ),
  );
  expect(replayed).toEqual(recorded);
  expect(recorded).toHaveLength(18);
  expect(files).toHaveLength(1);
  const [file] = files;
  const hash = file?.match(/^responses\/([0-9a-f]{64})\.json$/)?.[1];
  expect(hash).toBeDefined();
  expect(recorded.every((chunk) => chunk.id === `rec-${hash?.slice(0, 12)}` && chunk.created === 0)).toBe(
    true,
  );
  const saved = readJson(join(root, file ?? "")) as {
    response: { body: Array<{ __type__: string }>; is_streaming: boolean };
  };
  expect(saved.response.is_streaming).toBe(true);
  expect(saved.response.body[0]?.__type__).toBe(
    "openai.types.chat.chat_completion_chunk.ChatCompletionChunk",
  );
});

test("re-recording an unchanged interaction changes no byte", async () => {
  upstream.routes.set("POST /v1/chat/completions", chatStream(textChunks("Humans live on Earth.")));
  const root = temporaryRecordingDir();
  const ask = async () => {
    const recorder = createRecorder({ mode: "record", recordingDir: root });
    await recorder.withTestId(TEST_ID, async () =>
      collect(
        await clientFor(recorder).chat.completions.create({
          model: "m-1",
          messages: [{ role: "user", content: "Which planet do humans live on?" }],
          temperature: 0.7,
          stream: true,
        }),
      ),
    );
    const [file] = allFiles(root);
    return readFileSync(join(root, file ?? ""), "utf8");
  };
  const first = await ask();
  const second = await ask();
  expect(second).toBe(first);
  expect(first.endsWith("}\n")).toBe(true);
  expect(first).toContain('\n  "id_normalization_mapping": {},\n  "recorded_by": {\n');
});

test("record mode hands the caller the same bytes replay will", async () => {
  upstream.routes.set("POST /v1/chat/completions", chatStream(textChunks("Hello there, friend.")));
  const body = JSON.stringify({ model: "m-1", messages: [{ role: "user", content: "hi" }], stream: true });
  const read = (recorder: ApiRecorder) =>
    recorder.withTestId(TEST_ID, async () =>
      (await recorder.fetch(`${upstream.baseUrl}/v1/chat/completions`, { method: "POST", body })).text(),
    );
  const root = temporaryRecordingDir();
  const recorded = await read(createRecorder({ mode: "record", recordingDir: root }));
  const replayed = await read(createRecorder({ mode: "replay", recordingDir: root, upstream: noNetwork }));
  expect(replayed).toBe(recorded);
  expect(recorded.endsWith("data: [DONE]\n\n")).toBe(true);
});

test("a Responses-API stream replays with its event lines and no [DONE]", async () => {
  upstream.routes.set("POST /v1/responses", responsesStream(responsesEvents("Paris is the capital.")));
  const { root, recorded, replayed, files } = await recordThenReplay(async (client) =>
    collect(await client.responses.create({ model: "gpt-4o", input: "Capital of France?", stream: true })),
  );
  expect(replayed).toEqual(recorded);
  expect(recorded.map((event) => event.type)).toEqual(responsesEvents("").map((event) => event.type));
  const saved = readJson(join(root, files[0] ?? "")) as { response: { body: Array<{ __type__: string }> } };
  expect(saved.response.body.map((chunk) => chunk.__type__)).toContain(
    "openai.types.responses.response_text_delta_event.ResponseTextDeltaEvent",
  );
  const replayer = createRecorder({ mode: "replay", recordingDir: root, upstream: noNetwork });
  const raw = await replayer.withTestId(TEST_ID, async () =>
    (
      await replayer.fetch(`${upstream.baseUrl}/v1/responses`, {
        method: "POST",
        body: JSON.stringify({ model: "gpt-4o", input: "Capital of France?", stream: true }),
      })
    ).text(),
  );
  expect(raw.startsWith('event: response.created\ndata: {"type":"response.created"')).toBe(true);
  expect(raw).not.toContain("[DONE]");
});

test("a non-streaming chat completion round-trips", async () => {
  upstream.routes.set("POST /v1/chat/completions", json(200, chatCompletion("Earth.")));
  const { recorded, replayed, root, files } = await recordThenReplay((client) =>
    client.chat.completions.create({ model: "m-1", messages: [{ role: "user", content: "Where?" }] }),
  );
  expect(replayed).toEqual(recorded);
  expect(replayed.choices[0]?.message.content).toBe("Earth.");
  expect(replayed.usage?.total_tokens).toBe(7);
  const saved = readJson(join(root, files[0] ?? "")) as {
    response: { body: { __type__: string }; is_streaming: boolean };
  };
  expect(saved.response).toMatchObject({
    is_streaming: false,
    body: { __type__: "openai.types.chat.chat_completion.ChatCompletion" },
  });
});

for (const encoding of ["float", "base64"] as const) {
  test(`embeddings in ${encoding} encoding round-trip to the same vectors`, async () => {
    const vectors = embeddingVectors(2, 16);
    upstream.routes.set("POST /v1/embeddings", (_request, body, response) => {
      const format = JSON.parse(body).encoding_format === "base64" ? "base64" : "float";
      json(200, embeddingsResponse(vectors, format))(_request, body, response);
    });
    const params =
      encoding === "float"
        ? { model: "text-embedding-3-small", input: ["a", "b"], encoding_format: "float" as const }
        : { model: "text-embedding-3-small", input: ["a", "b"] };
    const { recorded, replayed } = await recordThenReplay((client) => client.embeddings.create(params));
    expect(replayed).toEqual(recorded);
    expect(Array.from(replayed.data[1]?.embedding ?? [])).toEqual(vectors[1]);
    expect(JSON.parse(upstream.requests[0]?.body ?? "{}").encoding_format).toBe(encoding);
  });
}

const errors = [
  { status: 400, errorClass: OpenAI.BadRequestError },
  { status: 429, errorClass: OpenAI.RateLimitError },
  { status: 500, errorClass: OpenAI.InternalServerError },
] as const;
for (const { status, errorClass } of errors) {
  test(`an upstream ${status} is recorded and replayed as the same ${errorClass.name}`, async () => {
    upstream.routes.set(
      "POST /v1/chat/completions",
      json(status, {
        error: {
          message: `upstream said ${status}`,
          type: "invalid_request_error",
          param: "model",
          code: null,
        },
      }),
    );
    const attempt = (client: OpenAI) =>
      client.chat.completions.create({ model: "nope", messages: [{ role: "user", content: "hi" }] }).then(
        () => undefined,
        (error: unknown) => error,
      );
    const { recorded, replayed, root, files } = await recordThenReplay(attempt);
    for (const error of [recorded, replayed]) {
      expect(error).toBeInstanceOf(errorClass);
      expect((error as InstanceType<typeof errorClass>).status).toBe(status);
      expect((error as Error).message).toBe(`${status} upstream said ${status}`);
      expect((error as InstanceType<typeof errorClass>).param).toBe("model");
    }
    // Written in OGX's shape, as openai-python would have raised it.
    const body = {
      message: `upstream said ${status}`,
      type: "invalid_request_error",
      param: "model",
      code: null,
    };
    const pythonMessage = `Error code: ${status} - {'error': {'message': 'upstream said ${status}', 'type': 'invalid_request_error', 'param': 'model', 'code': None}}`;
    expect(readJson(join(root, files[0] ?? "")).response).toEqual({
      body: null,
      is_streaming: false,
      is_exception: true,
      exception_data: {
        category: "provider_sdk",
        provider: "openai",
        type: errorClass.name,
        message: pythonMessage,
        status_code: status,
        body,
      },
      exception_message: pythonMessage,
    });
  });
}

test("a network failure mid-stream is never recorded and leaves no file behind", async () => {
  upstream.routes.set(
    "POST /v1/chat/completions",
    brokenChatStream(textChunks("one two three four five"), 2),
  );
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode: "record", recordingDir: root });
  const outcome = await recorder
    .withTestId(TEST_ID, async () =>
      collect(
        await clientFor(recorder).chat.completions.create({
          model: "m-1",
          messages: [{ role: "user", content: "count" }],
          stream: true,
        }),
      ),
    )
    .then(
      () => "completed",
      (error: unknown) => error,
    );
  expect(outcome).toBeInstanceOf(Error);
  expect(allFiles(root)).toEqual([]);
});

test("an unreachable upstream is never recorded", async () => {
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode: "record", recordingDir: root });
  const deadClient = new OpenAI({
    apiKey: "k",
    baseURL: "http://127.0.0.1:9/v1",
    fetch: recorder.fetch,
    maxRetries: 0,
  });
  const error = await recorder
    .withTestId(TEST_ID, () =>
      deadClient.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] }),
    )
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
  expect(allFiles(root)).toEqual([]);
});

test("a stream the caller aborts is never recorded", async () => {
  upstream.routes.set("POST /v1/chat/completions", chatStream(textChunks("a b c d e f g h i j k l m n o p")));
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode: "record", recordingDir: root });
  const controller = new AbortController();
  const seen = await recorder.withTestId(TEST_ID, async () => {
    const stream = await clientFor(recorder).chat.completions.create(
      { model: "m-1", messages: [{ role: "user", content: "letters" }], stream: true },
      { signal: controller.signal },
    );
    let count = 0;
    try {
      for await (const _chunk of stream) {
        if (++count === 2) controller.abort();
      }
    } catch (error) {
      expect(error).toBeInstanceOf(OpenAI.APIUserAbortError);
    }
    return count;
  });
  expect(seen).toBe(2);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(allFiles(root)).toEqual([]);
});

test("record-if-missing replays what exists, records only what is missing, and rewrites nothing", async () => {
  upstream.routes.set("POST /v1/chat/completions", (request, body, response) =>
    chatStream(textChunks(`You said ${JSON.parse(body).messages[0].content}`))(request, body, response),
  );
  const root = temporaryRecordingDir();
  const ask = (recorder: ApiRecorder, content: string) =>
    recorder.withTestId(TEST_ID, async () =>
      collect(
        await clientFor(recorder).chat.completions.create({
          model: "m-1",
          messages: [{ role: "user", content }],
          stream: true,
        }),
      ),
    );
  await ask(createRecorder({ mode: "record", recordingDir: root }), "first");
  const [firstFile] = allFiles(root);
  const before = readFileSync(join(root, firstFile ?? ""), "utf8");
  expect(upstream.requests).toHaveLength(1);

  const recorder = createRecorder({ mode: "record-if-missing", recordingDir: root });
  const sources: string[] = [];
  recorder.onInteraction((interaction) => sources.push(interaction.source));
  await ask(recorder, "first");
  await ask(recorder, "second");
  expect(sources).toEqual(["replayed", "recorded"]);
  expect(upstream.requests).toHaveLength(2);
  expect(allFiles(root)).toHaveLength(2);
  expect(readFileSync(join(root, firstFile ?? ""), "utf8")).toBe(before);
});

test("live mode passes through and writes nothing", async () => {
  upstream.routes.set("POST /v1/chat/completions", json(200, chatCompletion("live answer")));
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode: "live", recordingDir: root });
  const completion = await recorder.withTestId(TEST_ID, () =>
    clientFor(recorder).chat.completions.create({
      model: "m-1",
      messages: [{ role: "user", content: "hi" }],
    }),
  );
  expect(completion.id).toBe("chatcmpl-json456");
  expect(allFiles(root)).toEqual([]);
});

test("calls outside any test are stored under common/", async () => {
  upstream.routes.set("POST /v1/chat/completions", json(200, chatCompletion("setup")));
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode: "record", recordingDir: root });
  await clientFor(recorder).chat.completions.create({
    model: "m-1",
    messages: [{ role: "user", content: "warm up" }],
  });
  expect(allFiles(root)).toEqual([expect.stringMatching(/^common\/[0-9a-f]{64}\.json$/)]);
  expect(readJson(join(root, allFiles(root)[0] ?? "")).test_id).toBeNull();
});

test("a provider's mid-stream error is recorded as plain JSON, not as a chunk, and replayed as it came", async () => {
  const chunks = textChunks("Partial answer");
  upstream.routes.set("POST /v1/chat/completions", async (_request, _body, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    for (const chunk of chunks.slice(0, 2)) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    response.end(`data: ${JSON.stringify({ error: { message: "overloaded", type: "server_error" } })}\n\n`);
  });
  const root = temporaryRecordingDir();
  const body = JSON.stringify({ model: "m-1", messages: [{ role: "user", content: "hi" }], stream: true });
  const read = (recorder: ApiRecorder) =>
    recorder.withTestId(TEST_ID, async () =>
      (await recorder.fetch(`${upstream.baseUrl}/v1/chat/completions`, { method: "POST", body })).text(),
    );
  const recorded = await read(createRecorder({ mode: "record", recordingDir: root }));
  const saved = readJson(join(root, allFiles(root)[0] ?? "")) as { response: { body: unknown[] } };
  expect(saved.response.body.at(-1)).toEqual({ error: { message: "overloaded", type: "server_error" } });
  expect(saved.response.body[0]).toMatchObject({
    __type__: "openai.types.chat.chat_completion_chunk.ChatCompletionChunk",
  });
  expect(await read(createRecorder({ mode: "replay", recordingDir: root, upstream: noNetwork }))).toBe(
    recorded,
  );
});

test("every file the recorder writes names it, and whether the upstream was the scripted provider or a real one", async () => {
  upstream.routes.set("POST /v1/chat/completions", json(200, chatCompletion("Earth.")));
  const root = temporaryRecordingDir();
  const scriptedHost = new URL(upstream.baseUrl).host;
  const asked = async (scriptedHosts: string[]) => {
    const recorder = createRecorder({ mode: "record", recordingDir: root, scriptedHosts });
    await recorder.withTestId(`${TEST_ID}${scriptedHosts.length}`, async () => {
      await clientFor(recorder).chat.completions.create({
        model: "m-1",
        messages: [{ role: "user", content: "hi" }],
      });
      await recorder.invokeTool("tavily", "web_search", { query: `q${scriptedHosts.length}` }, async () => ({
        ok: 1,
      }));
      await recorder.invokeTool(
        "scripted",
        "web_search",
        { query: `q${scriptedHosts.length}` },
        async () => ({ ok: 1 }),
      );
    });
  };
  await asked([]);
  await asked(["127.0.0.1"]);
  const marks = allFiles(root).map((file) => readJson(join(root, file)).recorded_by);
  expect(marks).toHaveLength(6);
  const count = (upstreamKind: string) =>
    marks.filter(
      (mark) =>
        JSON.stringify(mark) === JSON.stringify({ recorder: "responses-harness", upstream: upstreamKind }),
    ).length;
  // Per round: the chat call (real, then scripted by host), a real tool and a scripted one.
  expect(count("real")).toBe(3);
  expect(count("scripted")).toBe(3);
  expect(scriptedHost).toContain("127.0.0.1");
});
