import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { createRecorder } from "../../../recorder/index.ts";
import { allText } from "./support/files.ts";
import { temporaryRecordingDir } from "./support/fixtures.ts";
import { chatCompletion } from "./support/upstream-data.ts";
import { json, UpstreamServer } from "./support/upstream-server.ts";

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
