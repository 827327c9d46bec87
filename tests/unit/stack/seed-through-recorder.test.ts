/**
 * The stack on the real recorder, replaying the recording Llama Stack made: the stack
 * sends the body Llama Stack sent, so the Python recording answers it unchanged, in
 * library mode and over HTTP alike.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import type { Response as OpenAIResponse } from "openai/resources/responses/responses";
import { testIdHeaders } from "../../../recorder/index.ts";
import { createStack } from "../../../stack/app.ts";
import type { ProviderConfig } from "../../../stack/providers/registry.ts";
import { startStackServer } from "../../../stack/server.ts";
import { collect, REPO_ROOT, replayOnlyRecorder, weatherTool } from "./helpers.ts";

const SEED_TEST_ID =
  "tests/integration/responses/test_tool_responses.py::test_response_function_call_ordering_2[client_with_models-txt=openai/gpt-4o]";
const SEED_HASH = "f2e35fd69fcee9ba64e2dad17958422983ab71e56b26d9504a22b6018dcadb5f";
// Llama Stack's OpenAI base URL ends in /v1 and the endpoint repeats it: the recorded path is /v1/v1/….
const providers: ProviderConfig[] = [
  {
    type: "openai-compatible",
    id: "openai",
    baseURL: "https://api.openai.com/v1/v1",
    apiKey: "sk-ci-fake-key",
  },
];
const params = {
  model: "openai/gpt-4o",
  input: "Is the weather better in San Francisco or Los Angeles?",
  tools: [{ ...weatherTool, strict: undefined }] as unknown as (typeof weatherTool)[],
};

function replayingRecorder() {
  return replayOnlyRecorder({
    [`${SEED_HASH}.json`]: join(REPO_ROOT, "tests/unit/fixtures/seed-recording.json"),
  });
}

async function askBothWays(client: OpenAI): Promise<OpenAIResponse[]> {
  const plain = await client.responses.create(params);
  const events = await collect(await client.responses.create({ ...params, stream: true }));
  const last = events.at(-1);
  if (last?.type !== "response.completed") throw new Error(`the stream ended with ${last?.type}`);
  return [plain, last.response];
}

function expectSeedCalls(response: OpenAIResponse): void {
  expect(response.status).toBe("completed");
  expect(
    response.output.map(
      (item) => item.type === "function_call" && [item.name, JSON.parse(item.arguments).location],
    ),
  ).toEqual([
    ["get_weather", "San Francisco, USA"],
    ["get_weather", "Los Angeles, USA"],
  ]);
}

test("library mode: the seed replays as two function calls, San Francisco then Los Angeles", async () => {
  const { recorder, root } = replayingRecorder();
  const stack = createStack({ ports: recorder, providers });
  try {
    const client = new OpenAI({
      baseURL: "http://stack.local/v1",
      apiKey: "x",
      fetch: stack.fetch,
      defaultHeaders: testIdHeaders(SEED_TEST_ID),
      maxRetries: 0,
    });
    for (const response of await askBothWays(client)) expectSeedCalls(response);
  } finally {
    stack.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test("server mode: the same recording replays over HTTP, the test id in Llama Stack's header", async () => {
  const { recorder, root } = replayingRecorder();
  const server = await startStackServer({ ports: recorder, providers, port: 0 });
  try {
    const client = new OpenAI({
      baseURL: `${server.url}/v1`,
      apiKey: "x",
      // Only the provider-data form, as a Llama Stack client sends it.
      defaultHeaders: { "X-LlamaStack-Provider-Data": JSON.stringify({ __test_id: SEED_TEST_ID }) },
      maxRetries: 0,
    });
    for (const response of await askBothWays(client)) expectSeedCalls(response);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
