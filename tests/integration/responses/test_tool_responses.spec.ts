/**
 * Ported from Llama Stack's tests/integration/responses/test_tool_responses.py
 * (f50ce11a3): built-in tools the stack runs (web search), and function tools the caller
 * runs, answered by `previous_response_id` or by feeding the conversation back.
 */
import type { ResponseFunctionToolCall, ResponseInputItem } from "openai/resources/responses/responses";
import { expect, test } from "../fixtures/harness.ts";
import { BOTH_CLIENTS, portOf } from "../fixtures/ported.ts";
import { customToolTestCases, getWeatherTool, toolsOf, webSearchTestCases } from "./fixtures/test-cases.ts";

const python = portOf("tests/integration/responses/test_tool_responses.py");

python.parametrize(
  "test_response_non_streaming_web_search",
  BOTH_CLIENTS,
  webSearchTestCases,
  (testCase, declared) => {
    test(...declared, async ({ client, textModel }) => {
      const response = await client.responses.create({
        model: textModel,
        input: testCase.input,
        tools: toolsOf(testCase.tools),
        stream: false,
      });
      expect(response.output.length).toBeGreaterThan(1);
      expect(response.output[0]).toMatchObject({ type: "web_search_call", status: "completed" });
      const message = response.output[1];
      expect(message).toMatchObject({ type: "message", status: "completed", role: "assistant" });
      expect(message?.type === "message" ? message.content.length : 0).toBeGreaterThan(0);
      expect(response.output_text.toLowerCase().trim()).toContain(testCase.expected.toLowerCase());
    });
  },
);

python.parametrize(
  "test_response_non_streaming_custom_tool",
  BOTH_CLIENTS,
  customToolTestCases,
  (testCase, declared) => {
    test(...declared, async ({ client, textModel }) => {
      const response = await client.responses.create({
        model: textModel,
        input: testCase.input,
        tools: toolsOf(testCase.tools),
        stream: false,
      });
      expect(response.output).toHaveLength(1);
      expect(response.output[0]).toMatchObject({
        type: "function_call",
        status: "completed",
        name: "get_weather",
      });
    });
  },
);

python.parametrize(
  "test_response_function_call_ordering_1",
  BOTH_CLIENTS,
  customToolTestCases,
  (testCase, declared) => {
    test(...declared, async ({ client, textModel }) => {
      const response = await client.responses.create({
        model: textModel,
        input: testCase.input,
        tools: toolsOf(testCase.tools),
        stream: false,
      });
      expect(response.output).toHaveLength(1);
      const [call] = response.output;
      expect(call).toMatchObject({ type: "function_call", status: "completed", name: "get_weather" });
      if (call?.type !== "function_call") return;

      // The question again, with the function's output: Llama Stack drops the repeated question.
      const inputs: ResponseInputItem[] = [];
      inputs.push({ role: "user", content: testCase.input as string });
      inputs.push({ type: "function_call_output", output: "It is raining.", call_id: call.call_id });
      const next = await client.responses.create({
        model: textModel,
        input: inputs,
        tools: toolsOf(testCase.tools),
        stream: false,
        previous_response_id: response.id,
      });
      expect(next.output).toHaveLength(1);
    });
  },
);

for (const declared of python.tests("test_response_function_call_ordering_2", BOTH_CLIENTS)) {
  test(...declared, async ({ client, textModel }) => {
    const tools = toolsOf([getWeatherTool]);
    const inputs: ResponseInputItem[] = [
      { role: "user", content: "Is the weather better in San Francisco or Los Angeles?" },
    ];
    const response = await client.responses.create({ model: textModel, input: inputs, tools, stream: false });
    const calls = response.output.filter(
      (output): output is ResponseFunctionToolCall =>
        output.type === "function_call" && output.status === "completed" && output.name === "get_weather",
    );
    for (const output of calls) inputs.push(output);
    for (const output of calls) {
      const weather = output.arguments.includes("Los Angeles") ? "It is cloudy." : "It is raining.";
      inputs.push({ type: "function_call_output", output: weather, call_id: output.call_id });
    }
    const next = await client.responses.create({ model: textModel, input: inputs, tools, stream: false });
    expect(next.output).toHaveLength(1);
    expect(next.output_text).toContain("Los Angeles");
  });
}
