import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { accumulateChatStream, createRecorder, summarize } from "../../../recorder/index.ts";
import { allText } from "./support/files.ts";
import { temporaryRecordingDir } from "./support/fixtures.ts";
import { chatCompletion, responsesEvents } from "./support/upstream-data.ts";
import { chatStream, json, responsesStream, UpstreamServer } from "./support/upstream-server.ts";

const TEST_ID = "tests/integration/responses/secrets.spec.ts::keys never reach a file[stack=local]";
const env = {
  OPENAI_API_KEY: "sk-proj-FAKEfakeFAKEfake0123456789abcdef",
  TAVILY_SEARCH_API_KEY: "tvly-FAKEfake0123456789",
  GITHUB_TOKEN: "ghp_FAKEfakeFAKE0123456789",
  VAULT_SECRET: "s3cr3t-FAKE-value",
};

let upstream: UpstreamServer;
test.beforeEach(async () => {
  upstream = await new UpstreamServer().start();
  // The upstream echoes the request back in its answer, as a careless server might.
  upstream.routes.set("POST /v1/chat/completions", (request, body, response) =>
    json(200, chatCompletion(`you sent ${body} with ${request.headers.authorization}`))(
      request,
      body,
      response,
    ),
  );
});
test.afterEach(() => upstream.stop());

test("recording with keys in headers, bodies, tool kwargs and echoed responses writes none of them", async () => {
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode: "record", recordingDir: root, env });
  const client = new OpenAI({
    apiKey: env.OPENAI_API_KEY,
    baseURL: `${upstream.baseUrl}/v1`,
    fetch: recorder.fetch,
    defaultHeaders: { "x-api-key": env.VAULT_SECRET },
    maxRetries: 0,
  });
  await recorder.withTestId(TEST_ID, async () => {
    await client.chat.completions.create({
      model: "m-1",
      messages: [{ role: "user", content: `my token is ${env.GITHUB_TOKEN}` }],
      // biome-ignore lint/suspicious/noExplicitAny: a provider-specific field the SDK types do not know
      ...({ api_key: "inline-key-value-123", extra: { authorization: "Bearer abc.def.ghi.jkl.mno" } } as any),
    });
    await recorder.invokeTool(
      "tavily",
      "web_search",
      { query: "llamas", api_key: env.TAVILY_SEARCH_API_KEY },
      async () => ({
        results: [{ content: `searched with ${env.TAVILY_SEARCH_API_KEY}` }],
      }),
    );
  });
  const written = allText(root);
  for (const secret of [...Object.values(env), "inline-key-value-123", "abc.def.ghi.jkl.mno"]) {
    expect(written).not.toContain(secret);
  }
  expect(written).toContain("<redacted:GITHUB_TOKEN>");
  expect(written).toContain('"api_key": "<redacted>"');
  expect(written).toContain('"headers": {}');
});

test("a recording made with a real key replays with a fake one", async () => {
  const root = temporaryRecordingDir();
  const ask = async (mode: "record" | "replay", key: string) => {
    const recorder = createRecorder({ mode, recordingDir: root, env: { OPENAI_API_KEY: key } });
    const client = new OpenAI({
      apiKey: key,
      baseURL: `${upstream.baseUrl}/v1`,
      fetch: recorder.fetch,
      maxRetries: 0,
    });
    return recorder.withTestId(TEST_ID, () =>
      client.chat.completions.create({ model: "m-1", messages: [{ role: "user", content: "hello" }] }),
    );
  };
  const recorded = await ask("record", env.OPENAI_API_KEY);
  const replayed = await ask("replay", "sk-fake-key-for-ci-00000000");
  expect(replayed).toEqual(recorded);
  expect(JSON.stringify(replayed)).not.toContain(env.OPENAI_API_KEY);
});

test("a short placeholder key is not a secret: ordinary words that match it stay", async () => {
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode: "record", recordingDir: root, env: {} });
  const client = new OpenAI({
    apiKey: "scripted",
    baseURL: `${upstream.baseUrl}/v1`,
    fetch: recorder.fetch,
    maxRetries: 0,
  });
  await recorder.withTestId(TEST_ID, () =>
    client.chat.completions.create({
      model: "scripted/assistant",
      messages: [{ role: "user", content: "hi" }],
    }),
  );
  const written = allText(root);
  expect(written).toContain('"model": "scripted/assistant"');
  expect(written).not.toContain("<redacted");
});

const KEY = env.OPENAI_API_KEY;
const SPLIT_AT = [5, 13, 21];

/** `text` cut into deltas at the given offsets. */
function piecesOf(text: string, cuts: number[]): string[] {
  const bounds = [0, ...cuts, text.length];
  return bounds.slice(1).map((end, index) => text.slice(bounds[index], end));
}

function chatChunk(delta: Record<string, unknown>, finish: string | null = null) {
  return {
    id: "chatcmpl-split",
    object: "chat.completion.chunk",
    created: 1,
    model: "m-1",
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

/** A model that repeats the key, split across deltas, in its text and in a tool call's arguments. */
function splitKeyChunks() {
  const text = `Your key is ${KEY}, keep it safe.`;
  const args = JSON.stringify({ key: KEY, city: "Lisbon" });
  const textCuts = SPLIT_AT.map((at) => at + "Your key is ".length);
  return [
    chatChunk({ role: "assistant", content: "" }),
    ...piecesOf(text, textCuts).map((content) => chatChunk({ content })),
    chatChunk({
      tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "" } }],
    }),
    ...piecesOf(args, [4, 12, 20, 30]).map((part) =>
      chatChunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }),
    ),
    chatChunk({}, "tool_calls"),
  ];
}

test("a key split across stream chunks is redacted in the reassembled text, and record hands over what replay will", async () => {
  upstream.routes.set("POST /v1/chat/completions", chatStream(splitKeyChunks()));
  const root = temporaryRecordingDir();
  const run = async (mode: "record" | "replay") => {
    const recorder = createRecorder({ mode, recordingDir: root, env });
    const client = new OpenAI({
      apiKey: "sk-short",
      baseURL: `${upstream.baseUrl}/v1`,
      fetch: recorder.fetch,
      maxRetries: 0,
    });
    const journal: string[] = [];
    recorder.onInteraction((interaction) => journal.push(JSON.stringify(summarize(interaction))));
    const raw = await recorder.withTestId(TEST_ID, async () => {
      const response = await recorder.fetch(`${upstream.baseUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "m-1",
          messages: [{ role: "user", content: "my key?" }],
          stream: true,
        }),
      });
      return response.text();
    });
    expect(client).toBeTruthy();
    return { raw, journal: journal.join("\n") };
  };
  const recorded = await run("record");
  const replayed = await run("replay");
  expect(replayed.raw).toBe(recorded.raw);
  const chunks = recorded.raw
    .split("\n\n")
    .filter((event) => event.startsWith("data: {"))
    .map((event) => JSON.parse(event.slice(6)));
  const summary = accumulateChatStream(chunks);
  expect(summary.content).toBe("Your key is <redacted:OPENAI_API_KEY>, keep it safe.");
  expect(summary.tool_calls[0]?.arguments).toBe('{"key":"<redacted:OPENAI_API_KEY>","city":"Lisbon"}');
  // No piece of the key is left anywhere: not whole, not its halves.
  for (const where of [allText(root), recorded.raw, recorded.journal, replayed.journal]) {
    expect(where).not.toContain(KEY);
    for (const piece of piecesOf(KEY, SPLIT_AT).filter((part) => part.length >= 6))
      expect(where).not.toContain(piece);
  }
});

test("Responses-API deltas that split a key are redacted as one text", async () => {
  const events = responsesEvents(`token: ${KEY}`);
  const at = events.findIndex((event) => event.type === "response.output_text.delta");
  const delta = events[at] as (typeof events)[number] & { delta: string };
  const split = piecesOf(delta.delta, [10, 20]).map((piece, index) => ({
    ...delta,
    sequence_number: 3 + index,
    delta: piece,
  }));
  events.splice(at, 1, ...split);
  upstream.routes.set("POST /v1/responses", responsesStream(events));
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode: "record", recordingDir: root, env });
  const text = await recorder.withTestId(TEST_ID, async () => {
    const response = await recorder.fetch(`${upstream.baseUrl}/v1/responses`, {
      method: "POST",
      body: JSON.stringify({ model: "gpt-4o", input: "hi", stream: true }),
    });
    return response.text();
  });
  const deltas = text
    .split("\n\n")
    .filter((event) => event.startsWith("event: response.output_text.delta"))
    .map((event) => JSON.parse(event.split("\ndata: ")[1] ?? "").delta)
    .join("");
  expect(deltas).toBe("token: <redacted:OPENAI_API_KEY>");
  expect(allText(root)).not.toContain(KEY.slice(10));
});

test("keys in the URL, its query, the provider-data header and key-like body fields never reach a file or a message", async () => {
  const queryKey = "AIzaSyFAKEqueryKEY0123456789";
  const password = "hunter2-FAKE-password-value";
  const providerKey = "sk-provider-data-FAKE-0123456789";
  upstream.routes.set("GET /v1/models", (request, _body, response) =>
    json(200, {
      object: "list",
      data: [{ id: `m-${request.url}`, object: "model", created: 0, owned_by: "x" }],
    })(request, _body, response),
  );
  upstream.routes.set("POST /v1/chat/completions", (request, body, response) =>
    json(200, chatCompletion(`echo ${request.url} ${request.headers["x-llamastack-provider-data"]} ${body}`))(
      request,
      body,
      response,
    ),
  );
  const root = temporaryRecordingDir();
  const recorder = createRecorder({ mode: "record", recordingDir: root, env: {} });
  const base = upstream.baseUrl.replace("http://", `http://user:${password}@`);
  const providerData = JSON.stringify({ openai_api_key: providerKey, __test_id: TEST_ID });
  await recorder.withTestId(TEST_ID, async () => {
    // fetch refuses URLs with credentials: the recorder must have redacted before anyone prints them.
    await recorder.fetch(`${upstream.baseUrl}/v1/models?key=${queryKey}`);
    await recorder.fetch(`${upstream.baseUrl}/v1/chat/completions?api-key=${queryKey}`, {
      method: "POST",
      headers: { "x-llamastack-provider-data": providerData },
      body: JSON.stringify({
        model: "m-1",
        messages: [{ role: "user", content: "hi" }],
        metadata: {
          Token: "tok-FAKE-0123456789ab",
          SECRET: "short",
          private_key: "-----BEGIN FAKE KEY-----",
          Password: "pw",
        },
        extra: { AUTHORIZATION: "Basic dXNlcjpwYXNzd29yZA==" },
      }),
    });
  });
  const failed = await recorder
    .withTestId(TEST_ID, () => recorder.fetch(`${base}/v1/chat/completions`, { method: "POST", body: "{}" }))
    .then(
      () => "no error",
      (error: Error) => error.message,
    );
  const replay = createRecorder({ mode: "replay", recordingDir: root, env: {} });
  const missed = await replay
    .withTestId(TEST_ID, () =>
      replay.fetch(`${base}/v1/chat/completions?key=${queryKey}`, { method: "POST", body: '{"model":"m"}' }),
    )
    .then(
      () => "no miss",
      (error: Error) => error.message,
    );
  const written = allText(root);
  for (const where of [written, failed, missed]) {
    for (const secret of [
      queryKey,
      password,
      providerKey,
      "tok-FAKE-0123456789ab",
      "BEGIN FAKE KEY",
      "dXNlcjpwYXNzd29yZA",
    ]) {
      expect(where).not.toContain(secret);
    }
  }
  expect(written).toContain(`"key": "<redacted>"`);
  expect(written).toContain(`/v1/models?key=<redacted>`);
  expect(written).toContain(`"SECRET": "<redacted>"`);
  expect(written).toContain(`"Password": "<redacted>"`);
  expect(written).toContain("<redacted:openai_api_key>");
  expect(missed).toContain(`http://<redacted>@127.0.0.1`);
  expect(missed).toContain("?key=<redacted>");
});

test("a tool's error carrying a key is passed on redacted, in record and live mode", async () => {
  for (const mode of ["record", "live"] as const) {
    const recorder = createRecorder({ mode, recordingDir: temporaryRecordingDir(), env });
    const error = await recorder
      .withTestId(TEST_ID, () =>
        recorder.invokeTool(
          "tavily",
          "web_search",
          { query: "q", api_key: "tvly-kwarg-FAKE-0123456789" },
          async () => {
            throw new Error(
              `401 from https://api.tavily.com?api_key=tvly-kwarg-FAKE-0123456789 (env ${env.TAVILY_SEARCH_API_KEY})`,
            );
          },
        ),
      )
      .catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(String(error.stack)).not.toContain("tvly-kwarg-FAKE");
    expect(error.message).toBe(
      "401 from https://api.tavily.com?api_key=<redacted:api_key> (env <redacted:TAVILY_SEARCH_API_KEY>)",
    );
  }
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("an unreachable upstream is named with its URL, credentials redacted, and the cause", async () => {
  const port = await closedPort();
  const recorder = createRecorder({ mode: "record-if-missing", recordingDir: temporaryRecordingDir(), env });
  const key = "AIzaSyFAKEunreachable0123456789";
  for (const mode of ["record-if-missing", "live"] as const) {
    const used = mode === "live" ? createRecorder({ mode, env }) : recorder;
    const error = await used
      .withTestId(TEST_ID, () =>
        used.fetch(`http://127.0.0.1:${port}/v1/chat/completions?key=${key}`, {
          method: "POST",
          body: '{"model":"m"}',
        }),
      )
      .then(
        () => new Error("no error"),
        (caught: Error) => caught,
      );
    expect(error.message).toBe(
      `The upstream call POST http://127.0.0.1:${port}/v1/chat/completions?key=<redacted> failed: connect ECONNREFUSED 127.0.0.1:${port}. ` +
        "Nothing was recorded. Check that the provider runs at that address and that this machine can reach it.",
    );
    expect((error as { code?: string }).code).toBe("ECONNREFUSED");
  }
});
