/**
 * Replay gives the same bytes every time: the same test, replayed from the committed
 * recordings, answers byte for byte alike run after run, in library and server mode.
 */
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { testIdHeaders } from "../../../recorder/index.ts";
import { settingsFromEnv } from "../../integration/fixtures/settings.ts";
import { type StackUnderTest, startStackUnderTest } from "../../integration/fixtures/stack-under-test.ts";

const TEST_ID =
  "tests/integration/responses/test_basic_responses.spec.ts::test_response_non_streaming_basic > earth[stack=local-txt=scripted/assistant]";
const REQUEST = { model: "scripted/assistant", input: "Which planet do humans live on?" };

async function answersOf(stack: StackUnderTest): Promise<string[]> {
  const client = new OpenAI({
    baseURL: stack.baseURL,
    apiKey: "x",
    defaultHeaders: testIdHeaders(TEST_ID),
    maxRetries: 0,
    ...(stack.fetch ? { fetch: stack.fetch } : {}),
  });
  const answers: string[] = [];
  for (let run = 0; run < 2; run++) {
    await stack.begin(TEST_ID);
    const created = await client.responses.create({ ...REQUEST, stream: false }).asResponse();
    answers.push(await created.text());
    const streamed = await client.responses.create({ ...REQUEST, stream: true }).asResponse();
    answers.push(await streamed.text());
  }
  return answers;
}

test("the same test replays the same bytes, run after run, library and server alike", async () => {
  test.setTimeout(60_000);
  const byForm: Record<string, string[]> = {};
  for (const stackConfig of ["local", "server:local"]) {
    const stack = await startStackUnderTest(settingsFromEnv({ STACK_TEST_STACK_CONFIG: stackConfig }));
    try {
      byForm[stackConfig] = await answersOf(stack);
    } finally {
      await stack.stop();
    }
  }
  const [plain, streamed] = byForm.local ?? [];
  expect(plain).toContain('"output_text"');
  expect(streamed).toContain("event: response.completed");
  expect(byForm.local).toEqual([plain, streamed, plain, streamed]);
  expect(byForm["server:local"]).toEqual(byForm.local);
});
