/**
 * Function tools, ported from the function-tool tests of Llama Stack's
 * test_tool_responses.py: the model asks for a call, the caller answers it, by
 * `previous_response_id` or by feeding the whole conversation back.
 */
import type { ResponseFunctionToolCall, ResponseInputItem } from "openai/resources/responses/responses";
import { expect, test } from "../fixtures/harness.ts";
import { customToolCases, getWeatherTool } from "./cases.ts";
import {
  collectEvents,
  expectBasicEventSequence,
  expectFunctionCallArguments,
} from "./streaming-assertions.ts";

function functionCalls(output: Array<{ type: string }>): ResponseFunctionToolCall[] {
  return output.filter((item): item is ResponseFunctionToolCall => item.type === "function_call");
}

test.describe("custom function tool", () => {
  for (const testCase of customToolCases) {
    test(testCase.id, async ({ client, textModel }) => {
      const response = await client.responses.create({
        model: textModel,
        input: [{ role: "user", content: testCase.input }],
        tools: testCase.tools,
        stream: false,
      });
      expect(response.output).toHaveLength(1);
      const [call] = functionCalls(response.output);
      expect(call?.status).toBe("completed");
      expect(call?.name).toBe(testCase.expected);
      expect(JSON.parse(call?.arguments ?? "{}").location).toContain("San Francisco");

      // The same request streamed: the call's argument deltas join to its arguments.
      const events = await collectEvents(
        await client.responses.create({
          model: textModel,
          input: [{ role: "user", content: testCase.input }],
          tools: testCase.tools,
          stream: true,
        }),
      );
      expectBasicEventSequence(events);
      expect(expectFunctionCallArguments(events).map((streamed) => streamed.name)).toEqual([
        testCase.expected,
      ]);
    });
  }
});

test.describe("function-call ordering 1", () => {
  for (const testCase of customToolCases) {
    test(testCase.id, async ({ client, textModel }) => {
      const response = await client.responses.create({
        model: textModel,
        input: testCase.input,
        tools: testCase.tools,
        stream: false,
      });
      expect(response.output).toHaveLength(1);
      const [call] = functionCalls(response.output);
      expect(call).toMatchObject({ type: "function_call", status: "completed", name: "get_weather" });

      const answered = await client.responses.create({
        model: textModel,
        input: [{ type: "function_call_output", call_id: call?.call_id ?? "", output: "It is raining." }],
        tools: testCase.tools,
        stream: false,
        previous_response_id: response.id,
      });
      expect(answered.output).toHaveLength(1);
      expect(answered.output[0]?.type).toBe("message");
      expect(answered.output_text.toLowerCase()).toContain("rain");
    });
  }
});

test("function-call ordering 2", async ({ client, textModel }) => {
  const inputs: ResponseInputItem[] = [
    { role: "user", content: "Is the weather better in San Francisco or Los Angeles?" },
  ];
  const response = await client.responses.create({
    model: textModel,
    input: inputs,
    tools: [getWeatherTool],
    stream: false,
  });
  const calls = functionCalls(response.output).filter(
    (call) => call.status === "completed" && call.name === "get_weather",
  );
  // Parallel calls come back in the order the model made them.
  expect(calls.map((call) => JSON.parse(call.arguments).location)).toEqual([
    expect.stringContaining("San Francisco"),
    expect.stringContaining("Los Angeles"),
  ]);

  inputs.push(...calls);
  for (const call of calls) {
    const weather = call.arguments.includes("Los Angeles") ? "It is cloudy." : "It is raining.";
    inputs.push({ type: "function_call_output", call_id: call.call_id, output: weather });
  }
  const answered = await client.responses.create({
    model: textModel,
    input: inputs,
    tools: [getWeatherTool],
    stream: false,
  });
  expect(answered.output_text).toContain("Los Angeles");
});
