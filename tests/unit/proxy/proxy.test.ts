/**
 * The recording proxy over real HTTP, driven by the official SDK as a stack's provider
 * client: streams relayed as they arrive, the test id from every header form, and a
 * clear answer for every request it cannot serve.
 */
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import {
  parseUpstreams,
  type RecordingProxyServer,
  startRecordingProxy,
  UpstreamSpecError,
} from "../../../proxy/index.ts";
import { PROVIDER_DATA_HEADER, TEST_ID_HEADER } from "../../../recorder/index.ts";
import { allFiles, readJson } from "../recorder/support/files.ts";
import { temporaryRecordingDir } from "../recorder/support/fixtures.ts";
import { chatCompletion, textChunks } from "../recorder/support/upstream-data.ts";
import { json, UpstreamServer } from "../recorder/support/upstream-server.ts";

const TEST_ID = "tests/integration/responses/proxy.spec.ts::a test[stack=mine-txt=gpt-4o]";

let upstream: UpstreamServer;
let proxy: RecordingProxyServer | undefined;
test.beforeEach(async () => {
  upstream = await new UpstreamServer().start();
});
test.afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await upstream.stop();
});

async function start(mode: string, recordingDir = temporaryRecordingDir()) {
  proxy = await startRecordingProxy({
    upstreams: parseUpstreams([`openai=${upstream.baseUrl}/v1`]),
    mode,
    recordingDir,
    log: () => undefined,
  });
  return { proxy, recordingDir, baseURL: proxy.baseUrls.openai as string };
}

test("a stream reaches the stack chunk by chunk while upstream is still sending it", async () => {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const chunks = textChunks("one two three");
  upstream.routes.set("POST /v1/chat/completions", async (_request, _body, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.write(`data: ${JSON.stringify(chunks[0])}\n\ndata: ${JSON.stringify(chunks[1])}\n\n`);
    // The rest only once the client has seen the first delta: a buffering proxy never gets here.
    await released;
    for (const chunk of chunks.slice(2)) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    response.end("data: [DONE]\n\n");
  });
  const { baseURL, recordingDir } = await start("record");
  const client = new OpenAI({
    apiKey: "sk-test",
    baseURL,
    maxRetries: 0,
    defaultHeaders: { "X-Test-Id": TEST_ID },
  });
  const stream = await client.chat.completions.create({
    model: "gpt-4o",
    messages: [{ role: "user", content: "count" }],
    stream: true,
  });
  let text = "";
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta.content ?? "";
    text += delta;
    if (delta) release();
  }
  expect(text).toBe("one two three");
  const files = allFiles(recordingDir);
  expect(files).toHaveLength(1);
  expect(readJson(`${recordingDir}/${files[0]}`)).toMatchObject({
    test_id: TEST_ID,
    response: { is_streaming: true },
  });
});

test("a stack that goes away mid-stream cancels the upstream call, and nothing half-heard is recorded", async () => {
  const chunks = textChunks(Array.from({ length: 200 }, (_, index) => `word${index}`).join(" "));
  let written = 0;
  let upstreamClosed = () => {};
  const closed = new Promise<void>((resolve) => {
    upstreamClosed = resolve;
  });
  upstream.routes.set("POST /v1/chat/completions", async (_request, _body, response) => {
    response.on("close", upstreamClosed);
    response.writeHead(200, { "content-type": "text/event-stream" });
    for (const chunk of chunks) {
      if (response.destroyed) return;
      written++;
      response.write(`data: ${JSON.stringify(chunk)}\n\n`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    response.end("data: [DONE]\n\n");
  });
  const { baseURL, recordingDir } = await start("record");
  const client = new OpenAI({
    apiKey: "sk-test",
    baseURL,
    maxRetries: 0,
    defaultHeaders: { "X-Test-Id": TEST_ID },
  });
  const abort = new AbortController();
  const stream = await client.chat.completions.create(
    { model: "gpt-4o", messages: [{ role: "user", content: "count slowly" }], stream: true },
    { signal: abort.signal },
  );
  let deltas = 0;
  try {
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content && ++deltas === 2) abort.abort();
  } catch (error) {
    expect(error).toBeInstanceOf(OpenAI.APIUserAbortError);
  }
  expect(deltas).toBe(2);
  await closed;
  expect(written).toBeLessThan(chunks.length);
  expect(allFiles(recordingDir)).toEqual([]);
});

for (const [form, headers] of [
  ["X-Test-Id", { [TEST_ID_HEADER]: TEST_ID }],
  ["X-LlamaStack-Provider-Data", { [PROVIDER_DATA_HEADER]: JSON.stringify({ __test_id: TEST_ID }) }],
  ["X-OGX-Provider-Data", { "X-OGX-Provider-Data": JSON.stringify({ __test_id: TEST_ID }) }],
] as const) {
  test(`the test id comes from ${form}, over the test declared current`, async () => {
    upstream.routes.set("POST /v1/chat/completions", json(200, chatCompletion("hello")));
    const { proxy, baseURL, recordingDir } = await start("record");
    proxy.proxy.current.set("tests/integration/responses/proxy.spec.ts::another test");
    const client = new OpenAI({ apiKey: "sk-test", baseURL, maxRetries: 0, defaultHeaders: headers });
    await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    const files = allFiles(recordingDir);
    expect(files).toHaveLength(1);
    expect(readJson(`${recordingDir}/${files[0]}`).test_id).toBe(TEST_ID);
    expect(upstream.requests[0]?.headers).not.toHaveProperty(form.toLowerCase());
  });
}

test("upstream errors keep their status and body, recorded and replayed", async () => {
  const error = { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } };
  upstream.routes.set("POST /v1/chat/completions", json(429, error));
  const { baseURL, recordingDir } = await start("record");
  const call = async (url: string) =>
    fetch(`${url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", [TEST_ID_HEADER]: TEST_ID },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
    });
  const recorded = await call(baseURL);
  expect(recorded.status).toBe(429);
  expect(await recorded.json()).toEqual(error);
  await proxy?.close();
  const replaying = await start("replay", recordingDir);
  const replayed = await call(replaying.baseURL);
  expect(replayed.status).toBe(429);
  expect(await replayed.json()).toEqual(error);
  expect(upstream.requests).toHaveLength(1);
});

/** The OpenAI-shaped error the proxy answers with. */
async function errorMessage(response: Response): Promise<string> {
  return ((await response.json()) as { error: { message: string } }).error.message;
}

test("an unreachable upstream is a 502 that names it, and records nothing", async () => {
  const recordingDir = temporaryRecordingDir();
  proxy = await startRecordingProxy({
    upstreams: parseUpstreams(["openai=http://127.0.0.1:9/v1"]),
    mode: "record",
    recordingDir,
    log: () => undefined,
  });
  const response = await fetch(`${proxy.baseUrls.openai}/models`);
  expect(response.status).toBe(502);
  expect(await errorMessage(response)).toContain(
    "openai (http://127.0.0.1:9/v1/models) could not be reached",
  );
  expect(allFiles(recordingDir)).toEqual([]);
});

test("requests it cannot place get a 404 saying where the stack should point", async () => {
  const { proxy, baseURL } = await start("replay");
  const unknown = await fetch(`${proxy.url}/anthropic/v1/messages`, { method: "POST", body: "{}" });
  expect(unknown.status).toBe(404);
  expect(await errorMessage(unknown)).toBe(
    `/anthropic/v1/messages names no upstream. This proxy serves: ${baseURL}.`,
  );
  const outside = await fetch(`${proxy.url}/openai/chat/completions`, { method: "POST", body: "{}" });
  expect(outside.status).toBe(404);
  expect(await errorMessage(outside)).toContain(`configure the stack with ${baseURL}`);
});

test("the control route takes a test id or null, and says what it wants otherwise", async () => {
  const { proxy } = await start("replay");
  const post = (body: string) =>
    fetch(`${proxy.url}/__recorder/test`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
  expect((await post(JSON.stringify({ testId: TEST_ID }))).status).toBe(204);
  expect(await (await fetch(`${proxy.url}/__recorder/test`)).json()).toEqual({ testId: TEST_ID });
  const bad = await post(JSON.stringify({ test: TEST_ID }));
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: string }).error).toContain('{"testId": "<test id>"}');
  expect((await post("null-ish")).status).toBe(400);
  expect((await post(JSON.stringify({ testId: null }))).status).toBe(204);
  expect(await (await fetch(`${proxy.url}/__recorder/test`)).json()).toEqual({ testId: null });
  const badHeader = await fetch(`${proxy.baseUrls.openai}/models`, {
    headers: { [PROVIDER_DATA_HEADER]: "{not json" },
  });
  expect(badHeader.status).toBe(400);
});

test("upstream specs: every mistake says what a good one looks like", () => {
  expect(parseUpstreams(["openai=https://api.openai.com/v1/", "ollama=http://localhost:11434"])).toEqual([
    { name: "openai", url: "https://api.openai.com/v1" },
    { name: "ollama", url: "http://localhost:11434" },
  ]);
  for (const [spec, message] of [
    ["https://api.openai.com/v1", "needs a name"],
    ["openai=api.openai.com", "is not a URL"],
    ["openai=ftp://x/v1", "must be http or https"],
    ["__recorder=http://x/v1", "needs a name"],
  ]) {
    expect(() => parseUpstreams([spec as string])).toThrow(message as string);
  }
  expect(() => parseUpstreams([])).toThrow(UpstreamSpecError);
  expect(() => parseUpstreams(["a=http://x", "a=http://y"])).toThrow("given twice");
});
