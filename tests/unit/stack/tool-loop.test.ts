/**
 * The tool loop on its own, with a built-in made for these tests (`lookup`, answering
 * from a table): calls run in the stack and their results go back to the model, mixed
 * with client-side functions, in parallel within a bound, up to `max_infer_iters`, with
 * the tool's failures told to the model and the stack's own failing the response.
 */
import { expect, test } from "@playwright/test";
import { InternalServerError } from "openai";
import type { ResponseFunctionWebSearch, ResponseStreamEvent } from "openai/resources/responses/responses";
import { z } from "zod";
import { definitionToChatTool } from "../../../stack/tools/chat-tool.ts";
import type { BuiltinTool, CallGate, ToolCallRequest } from "../../../stack/tools/types.ts";
import { collect, MODEL, startTestStack, weatherTool } from "./helpers.ts";

interface LookupOptions {
  table?: Record<string, string>;
  /** Resolves when a call may finish; lets a test hold calls in flight. */
  hold?: () => Promise<void>;
  /** The stack itself fails (as on a replay miss) for these keys. */
  brokenKeys?: string[];
  gate?: (call: ToolCallRequest) => CallGate;
}

/** Calls in flight right now, and the most there ever were. */
const flight = { now: 0, most: 0 };

function lookupTool(options: LookupOptions = {}): BuiltinTool {
  const table = options.table ?? { paris: "18C", rome: "24C" };
  return {
    types: ["test_lookup"],
    schema: z.looseObject({ type: z.literal("test_lookup") }),
    prepare: async () => ({
      chatTools: [
        definitionToChatTool("lookup", "Looks a city's temperature up", {
          type: "object",
          properties: { key: { type: "string" } },
          required: ["key"],
        }),
      ],
      preamble: [],
      handles: (name) => name === "lookup",
      ...(options.gate ? { gate: options.gate } : {}),
      start: (call, context) => {
        const key = (JSON.parse(call.arguments) as { key: string }).key;
        const item: ResponseFunctionWebSearch = {
          id: context.ids.mint("lookup", "lk_"),
          type: "web_search_call",
          status: "in_progress",
          action: { type: "search", query: key },
        };
        return {
          item,
          startEvents: (at) => [{ type: "response.web_search_call.in_progress", ...at }],
          run: async () => {
            flight.now++;
            flight.most = Math.max(flight.most, flight.now);
            try {
              await options.hold?.();
            } finally {
              flight.now--;
            }
            if (options.brokenKeys?.includes(key)) throw new Error(`no recording for lookup '${key}'`);
            const found = table[key];
            return {
              item: { ...item, status: found ? "completed" : "failed" },
              events: (at) => [{ type: "response.web_search_call.completed", ...at }],
              result: found ?? `Lookup failed: no entry for '${key}'.`,
            };
          },
        };
      },
    }),
  };
}

const lookup = { type: "test_lookup" } as never;

test.beforeEach(() => {
  flight.now = 0;
  flight.most = 0;
});

test("a built-in call runs in the stack and the model answers with its result", async () => {
  const { client, stack, calls } = startTestStack({ tools: [lookupTool()] });
  try {
    const response = await client.responses.create({
      model: MODEL,
      input: "How warm is Paris?",
      tools: [lookup],
    });
    expect(response.status).toBe("completed");
    expect(response.output.map((item) => [item.type, "status" in item && item.status])).toEqual([
      ["web_search_call", "completed"],
      ["message", "completed"],
    ]);
    expect(response.output_text).toBe("Paris is at 18C.");
    expect(calls).toHaveLength(2);
    expect(calls[1]?.body.messages).toEqual([
      { role: "user", content: "How warm is Paris?" },
      {
        role: "assistant",
        content: "",
        tool_calls: [
          {
            index: 0,
            id: "call_paris",
            type: "function",
            function: { name: "lookup", arguments: '{"key":"paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_paris", content: "18C" },
    ]);
    expect(calls[1]?.body.tools).toEqual(calls[0]?.body.tools);
  } finally {
    stack.close();
  }
});

test("streamed, the built-in item comes between the turns with its own events, sequence numbers unbroken", async () => {
  const { client, stack } = startTestStack({ tools: [lookupTool()] });
  try {
    const events = await collect(
      await client.responses.create({
        model: MODEL,
        input: "How warm is Paris?",
        tools: [lookup],
        stream: true,
      }),
    );
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const types = events.map((event) => event.type);
    expect(types.slice(0, 6)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.web_search_call.in_progress",
      "response.web_search_call.completed",
      "response.output_item.done",
    ]);
    expect(types.at(-1)).toBe("response.completed");
    const lookupEvents = events.filter(
      (event): event is Extract<ResponseStreamEvent, { output_index: number }> =>
        "output_index" in event && event.output_index === 0,
    );
    expect(
      new Set(lookupEvents.map((event) => ("item_id" in event ? event.item_id : event.item.id))),
    ).toEqual(new Set(["lookup_test1"]));
    const done = events.find(
      (event) => event.type === "response.output_item.done" && event.output_index === 1,
    );
    expect(done?.type === "response.output_item.done" && done.item.type).toBe("message");
  } finally {
    stack.close();
  }
});

test("mixed with a function tool: the built-in runs, the function call goes back to the client", async () => {
  const { client, stack, calls } = startTestStack({ tools: [lookupTool()] });
  try {
    const first = await client.responses.create({
      model: MODEL,
      input: "Compare Paris with the weather here.",
      tools: [lookup, weatherTool],
    });
    expect(first.output.map((item) => item.type)).toEqual(["function_call", "web_search_call"]);
    expect(calls).toHaveLength(1);
    const call = first.output[0];
    if (call?.type !== "function_call") throw new Error("expected a function call first");
    const second = await client.responses.create({
      model: MODEL,
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: call.call_id, output: "12C" }],
      tools: [lookup, weatherTool],
    });
    expect(second.output_text).toBe("Paris is warmer: 18C against 12C.");
    expect(calls[1]?.body.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: "",
        tool_calls: [
          expect.objectContaining({ index: 0, id: "call_here" }),
          expect.objectContaining({ index: 1, id: "call_paris" }),
        ],
      },
      { role: "tool", tool_call_id: "call_paris", content: "18C" },
      { role: "tool", tool_call_id: "call_here", content: "12C" },
    ]);
  } finally {
    stack.close();
  }
});

test("parallel calls run at the same time, at most toolConcurrency of them", async () => {
  for (const [concurrency, most] of [
    [3, 3],
    [1, 1],
  ]) {
    flight.most = 0;
    // Each call waits until three are in flight, or a moment has passed.
    const hold = () =>
      new Promise<void>((resolve) => {
        const started = Date.now();
        const check = () =>
          flight.now >= 3 || Date.now() - started > 100 ? resolve() : setTimeout(check, 2);
        check();
      });
    const { client, stack } = startTestStack({
      tools: [lookupTool({ table: { paris: "18C", rome: "24C", oslo: "-3C" }, hold })],
      toolConcurrency: concurrency,
    });
    try {
      const response = await client.responses.create({
        model: MODEL,
        input: "Three cities?",
        tools: [lookup],
      });
      expect(flight.most).toBe(most);
      // Whatever order the work finished in, the items are in call order.
      expect(response.output.map((item) => item.type === "web_search_call" && item.action)).toEqual([
        { type: "search", query: "paris" },
        { type: "search", query: "rome" },
        { type: "search", query: "oslo" },
        false,
      ]);
      expect(response.output_text).toBe("Oslo is the coldest.");
    } finally {
      stack.close();
    }
  }
});

test("max_infer_iters bounds the loop: the response is incomplete, saying why", async () => {
  const { client, stack, calls } = startTestStack({ tools: [lookupTool()] });
  try {
    const response = await client.responses.create({
      model: MODEL,
      input: "Keep looking.",
      tools: [lookup],
      max_infer_iters: 2,
    } as never);
    expect(calls).toHaveLength(2);
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_infer_iters" });
    expect(response.output.map((item) => item.type)).toEqual(["web_search_call", "web_search_call"]);
  } finally {
    stack.close();
  }
});

test("a tool's failure is a failed item the model is told about", async () => {
  const { client, stack, calls } = startTestStack({ tools: [lookupTool()] });
  try {
    const response = await client.responses.create({
      model: MODEL,
      input: "How warm is Atlantis?",
      tools: [lookup],
    });
    expect(response.output.map((item) => [item.type, "status" in item && item.status])).toEqual([
      ["web_search_call", "failed"],
      ["message", "completed"],
    ]);
    expect(calls[1]?.body.messages.at(-1)).toEqual({
      role: "tool",
      tool_call_id: "call_atlantis",
      content: "Lookup failed: no entry for 'atlantis'.",
    });
  } finally {
    stack.close();
  }
});

test("the stack's own failure in a tool fails the response, and nothing runs on", async () => {
  const { client, stack, calls } = startTestStack({ tools: [lookupTool({ brokenKeys: ["paris"] })] });
  try {
    const error = await client.responses
      .create({ model: MODEL, input: "How warm is Paris?", tools: [lookup] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toContain(
      "A built-in tool call failed: no recording for lookup 'paris'",
    );
    expect(calls).toHaveLength(1);

    const events = await collect(
      await client.responses.create({
        model: MODEL,
        input: "How warm is Paris?",
        tools: [lookup],
        stream: true,
      }),
    );
    const last = events.at(-1);
    expect(last?.type).toBe("response.failed");
    if (last?.type !== "response.failed") return;
    expect(last.response.output).toEqual([
      expect.objectContaining({ type: "web_search_call", status: "failed" }),
    ]);
  } finally {
    stack.close();
  }
});

test("a call held for approval ends the response with the request; the turn is asked again on approval", async () => {
  const approved = new Set<string>();
  const gate = (call: ToolCallRequest): CallGate =>
    approved.has(call.arguments)
      ? { kind: "run" }
      : {
          kind: "ask",
          item: {
            id: "approval_1",
            type: "mcp_approval_request",
            name: call.name,
            arguments: call.arguments,
            server_label: "lookup",
          },
        };
  const { client, stack, calls } = startTestStack({ tools: [lookupTool({ gate })] });
  try {
    const first = await client.responses.create({
      model: MODEL,
      input: "How warm is Paris?",
      tools: [lookup],
    });
    expect(first.output).toEqual([
      {
        id: "approval_1",
        type: "mcp_approval_request",
        name: "lookup",
        arguments: '{"key":"paris"}',
        server_label: "lookup",
      },
    ]);
    expect(calls).toHaveLength(1);
    approved.add('{"key":"paris"}');
    const second = await client.responses.create({
      model: MODEL,
      previous_response_id: first.id,
      input: [{ type: "mcp_approval_response", approval_request_id: "approval_1", approve: true }],
      tools: [lookup],
    });
    expect(second.output_text).toBe("Paris is at 18C.");
    // The waiting turn was not kept: the model is asked the same question again.
    expect(calls[1]?.body.messages).toEqual(calls[0]?.body.messages);
    expect(calls).toHaveLength(3);
  } finally {
    stack.close();
  }
});
