/**
 * The harness's own suite: a few tests of every shape a suite has (a streamed answer,
 * answers at once across turns, a tool call, a stream expected to fail), run by the
 * harness's unit tests on throwaway recordings to check what a user sees when things go
 * right and wrong. Not a product suite: `--suite selftest`.
 */
import type { FunctionTool } from "openai/resources/responses/responses";
import { expect, test } from "../../../integration/fixtures/harness.ts";
import {
  collectEvents,
  expectBasicEventSequence,
  expectIncrementalText,
  finalResponse,
} from "../../../integration/responses/streaming-assertions.ts";

const weather: FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Current weather for a city.",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
  strict: null,
};

test.describe("answers", () => {
  test("streamed", async ({ client, textModel }) => {
    const events = await collectEvents(
      await client.responses.create({ model: textModel, input: "Say hello.", stream: true }),
    );
    expectBasicEventSequence(events);
    expect(expectIncrementalText(events)).toContain("Hello");
  });

  test("at once", async ({ client, textModel }) => {
    const first = await client.responses.create({ model: textModel, input: "Name a planet." });
    expect(first.output_text).toContain("Mars");
    const next = await client.responses.create({
      model: textModel,
      input: "And another?",
      previous_response_id: first.id,
    });
    expect(next.output_text).toContain("Venus");
  });
});

test("calls a tool", async ({ client, textModel }) => {
  const asked = await client.responses.create({
    model: textModel,
    input: "What is the weather in Paris?",
    tools: [weather],
  });
  const [call] = asked.output.filter((item) => item.type === "function_call");
  expect(call?.name).toBe("get_weather");
  const answered = await client.responses.create({
    model: textModel,
    input: [{ type: "function_call_output", call_id: call?.call_id ?? "", output: "sunny, 24 °C" }],
    tools: [weather],
    previous_response_id: asked.id,
  });
  expect(answered.output_text).toContain("sunny");
});

test("expects a failed stream", async ({ client, textModel }) => {
  const events = await collectEvents(
    await client.responses.create({ model: textModel, input: "Tell me a story.", stream: true }),
  );
  expectBasicEventSequence(events, { terminal: ["response.failed"] });
  expect(finalResponse(events).error?.message).toContain("connection reset");
});
