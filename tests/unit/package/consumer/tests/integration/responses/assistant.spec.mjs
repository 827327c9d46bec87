/** A consumer's Playwright tests, in plain JavaScript, on the package's fixtures. */

import OpenAI from "openai";
import { test as base, expect } from "responses-harness/fixtures";

const provider = (fetch) =>
  new OpenAI({
    apiKey: process.env.PROVIDER_API_KEY,
    baseURL: process.env.PROVIDER_URL,
    fetch,
    maxRetries: 0,
  });

// The consumer's stack, built once per worker on the recorder's ports: it knows no test ids.
const test = base.extend({
  assistant: [
    async ({ recorderPorts }, use) => {
      const client = provider(recorderPorts.fetch);
      await use({
        ask: async (question) =>
          (
            await client.chat.completions.create({
              model: "gpt-4o",
              messages: [{ role: "user", content: question }],
            })
          ).choices[0].message.content,
      });
    },
    { scope: "worker" },
  ],
});

test("a client on the test's recorder", async ({ recorder, testId }) => {
  expect(testId).toBe("tests/integration/responses/assistant.spec.mjs::a client on the test's recorder");
  const completion = await provider(recorder.fetch).chat.completions.create({
    model: "gpt-4o",
    messages: [{ role: "user", content: "What is the capital of France?" }],
  });
  expect(completion.choices[0].message.content).toBe("You asked: What is the capital of France?");
  expect(recorder.interactions().map((interaction) => [interaction.source, interaction.call])).toEqual([
    [recorder.mode === "replay" ? "replayed" : "recorded", "POST /v1/chat/completions gpt-4o"],
  ]);
});

test("a worker's stack files its calls under the running test", async ({ assistant, recorder }) => {
  expect(await assistant.ask("What is 2 + 2?")).toBe("You asked: What is 2 + 2?");
  expect(recorder.interactions()).toHaveLength(1);
});
