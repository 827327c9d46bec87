/**
 * Conversion both ways, below HTTP: Responses input → chat-completions request, and
 * streamed chat-completion chunks → Responses output items and events.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { StackError } from "../../../stack/errors.ts";
import { createIds } from "../../../stack/responses/ids.ts";
import { inputToMessages } from "../../../stack/responses/input-to-messages.ts";
import { parseCreateBody } from "../../../stack/responses/request.ts";
import {
  finishedResponse,
  incompleteReason,
  initialResponse,
} from "../../../stack/responses/response-object.ts";
import { ChatStreamTranslator } from "../../../stack/responses/stream-translator.ts";
import { buildChatRequest } from "../../../stack/responses/to-chat.ts";
import { ToolSet } from "../../../stack/responses/tool-set.ts";
import type { PendingEvent } from "../../../stack/responses/types.ts";
import { ToolRegistry } from "../../../stack/tools/registry.ts";
import { deterministicPorts, REPO_ROOT, weatherTool } from "./helpers.ts";

const tools = new ToolRegistry();

function counterIds() {
  const counters = new Map<string, number>();
  return createIds({
    mintId: (kind) => {
      const next = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, next);
      return `${kind}-${next}`;
    },
  });
}

/** The first chat request the stack would send for a Responses create body. */
async function chatRequestFor(body: Record<string, unknown>) {
  const parsed = parseCreateBody({ model: "openai/gpt-4o", ...body }, tools);
  const toolSet = await ToolSet.prepare(parsed.tools, tools, {
    ports: deterministicPorts(),
    ids: counterIds(),
    previous: undefined,
    input: [],
  });
  return buildChatRequest("gpt-4o", parsed, inputToMessages(parsed.input), toolSet.chatTools);
}

test.describe("input to chat messages", () => {
  test("a string input becomes one user message, instructions a leading system message", async () => {
    const request = await chatRequestFor({ input: "Hello?", instructions: "Answer in French." });
    expect(request.messages).toEqual([
      { role: "system", content: "Answer in French." },
      { role: "user", content: "Hello?" },
    ]);
    expect(request.stream).toBe(true);
    expect(request.model).toBe("gpt-4o");
  });

  test("text and image parts become chat content parts; developer becomes system", async () => {
    const request = await chatRequestFor({
      input: [
        { role: "developer", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is in this picture?" },
            { type: "input_image", image_url: "https://example.com/cat.png", detail: "low" },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this picture?" },
          { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" } },
        ],
      },
    ]);
  });

  // As Llama Stack 0.2 sends them: its recording 7801be3fb633 (test_response_function_call_ordering_2)
  // holds one assistant message per function call, each followed by its output.
  test("each function call is an assistant message of its own, followed by its output", async () => {
    const request = await chatRequestFor({
      input: [
        { role: "user", content: "Weather in Paris and Rome?" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking both." }] },
        { type: "function_call", call_id: "call_a", name: "get_weather", arguments: '{"location":"Paris"}' },
        { type: "function_call", call_id: "call_b", name: "get_weather", arguments: '{"location":"Rome"}' },
        { type: "function_call_output", call_id: "call_a", output: "18C" },
        { type: "function_call_output", call_id: "call_b", output: "24C" },
      ],
    });
    expect(request.messages).toEqual([
      { role: "user", content: "Weather in Paris and Rome?" },
      { role: "assistant", content: [{ type: "text", text: "Checking both." }] },
      {
        role: "assistant",
        tool_calls: [
          {
            index: 0,
            id: "call_a",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: "18C" },
      {
        role: "assistant",
        tool_calls: [
          {
            index: 0,
            id: "call_b",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"Rome"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_b", content: "24C" },
    ]);
  });

  test("a function_call_output without its function_call is a 400", async () => {
    const error = await chatRequestFor({
      input: [{ type: "function_call_output", call_id: "call_zzz", output: "x" }],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StackError);
    expect((error as StackError).status).toBe(400);
    expect((error as StackError).message).toContain("call_zzz");
  });
});

test.describe("request parameters to chat parameters", () => {
  test("function tools are sent in Llama Stack's shape, as in the seed recording", async () => {
    const seed = JSON.parse(readFileSync(`${REPO_ROOT}tests/unit/fixtures/seed-recording.json`, "utf8"));
    const request = await chatRequestFor({
      input: "Is the weather better in San Francisco or Los Angeles?",
      tools: [{ ...weatherTool, strict: undefined }],
    });
    expect(JSON.parse(JSON.stringify(request))).toEqual(seed.request.body);
  });

  test("sampling, tool and format settings are passed on under their chat names", async () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const request = await chatRequestFor({
      input: "x",
      tools: [weatherTool],
      tool_choice: { type: "function", name: "get_weather" },
      parallel_tool_calls: false,
      temperature: 0.2,
      top_p: 0.9,
      max_output_tokens: 64,
      text: { format: { type: "json_schema", name: "city", schema, strict: true } },
    });
    expect(request).toMatchObject({
      tool_choice: { type: "function", function: { name: "get_weather" } },
      parallel_tool_calls: false,
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 64,
      response_format: { type: "json_schema", json_schema: { name: "city", schema } },
    });
  });

  test("without tools, tool_choice and parallel_tool_calls are left out (chat completions refuses them)", async () => {
    const request = await chatRequestFor({ input: "x", tool_choice: "auto", parallel_tool_calls: true });
    expect(request).not.toHaveProperty("tool_choice");
    expect(request).not.toHaveProperty("parallel_tool_calls");
    expect(request).not.toHaveProperty("tools");
    expect(request).not.toHaveProperty("response_format");
  });
});

test.describe("chat chunks to output items", () => {
  function translate(chunks: ChatCompletionChunk[]) {
    const translator = new ChatStreamTranslator(counterIds());
    const events: PendingEvent[] = [];
    for (const chunk of chunks) events.push(...translator.accept(chunk));
    events.push(...translator.finish("completed"));
    return { translator, events };
  }

  const chunk = (
    delta: ChatCompletionChunk.Choice.Delta,
    extra: Partial<ChatCompletionChunk> = {},
  ): ChatCompletionChunk => ({
    id: "c",
    object: "chat.completion.chunk",
    created: 0,
    model: "m",
    choices: [{ index: 0, delta, finish_reason: null, logprobs: null }],
    ...extra,
  });

  test("the seed's parallel tool-call stream becomes two function_call items in index order", () => {
    const seed = JSON.parse(readFileSync(`${REPO_ROOT}tests/unit/fixtures/seed-recording.json`, "utf8"));
    const { translator, events } = translate(
      seed.response.body.map((entry: { __data__: unknown }) => entry.__data__),
    );
    expect(translator.output).toEqual([
      expect.objectContaining({
        type: "function_call",
        name: "get_weather",
        call_id: "call_VeQ0JBvrjUPMx6FVQliYseD6",
        arguments: '{"location": "San Francisco, USA"}',
        status: "completed",
      }),
      expect.objectContaining({
        type: "function_call",
        name: "get_weather",
        call_id: "call_vEJqxX6A5y5ITfKlklzI3ia9",
        arguments: '{"location": "Los Angeles, USA"}',
        status: "completed",
      }),
    ]);
    for (const [index, item] of translator.output.entries()) {
      const deltas = events.flatMap((event) =>
        event.type === "response.function_call_arguments.delta" && event.output_index === index
          ? [event.delta]
          : [],
      );
      expect(deltas.join("")).toBe(item.type === "function_call" ? item.arguments : "");
    }
    expect(translator.finishReason).toBe("tool_calls");
  });

  test("text deltas become one message; usage is mapped to input/output tokens", () => {
    const { translator, events } = translate([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Hello" }),
      chunk({ content: " world" }),
      chunk({}, { choices: [{ index: 0, delta: {}, finish_reason: "stop", logprobs: null }] }),
      {
        ...chunk({}),
        choices: [],
        usage: {
          prompt_tokens: 11,
          completion_tokens: 2,
          total_tokens: 13,
          prompt_tokens_details: { cached_tokens: 4 },
        },
      },
    ]);
    expect(events.map((event) => event.type)).toEqual([
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
    ]);
    expect(translator.output).toEqual([
      expect.objectContaining({
        type: "message",
        role: "assistant",
        status: "completed",
        content: [expect.objectContaining({ type: "output_text", text: "Hello world" })],
      }),
    ]);
    expect(translator.usage).toEqual({
      input_tokens: 11,
      input_tokens_details: { cached_tokens: 4, cache_write_tokens: 0 },
      output_tokens: 2,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 13,
    });
  });

  test("finish_reason length makes the response incomplete for max_output_tokens", () => {
    const body = parseCreateBody({ model: "scripted/assistant", input: "x" }, tools);
    const response = finishedResponse(
      initialResponse(body, "resp_1", 1),
      { output: [], usage: undefined, incomplete: incompleteReason("length") },
      2,
    );
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });
});
