/**
 * web_search through the SDK, on the scripted model and the scripted search: the
 * function Llama Stack presents, the search as a tool invocation (`invokeTool`), the
 * `web_search_call` item and its events, the result the model reads, failures told to
 * the model; alone, mixed with function tools, in parallel, streamed and not.
 */
import { expect, test } from "@playwright/test";
import { BadRequestError } from "openai";
import type { Tool } from "openai/resources/responses/responses";
import { pythonJsonDumps } from "../../../recorder/index.ts";
import { collect, MODEL, startTestStack, weatherTool } from "./helpers.ts";

const webSearch: Tool = { type: "web_search", search_context_size: "low" };

/** The chat tool Llama Stack 0.2 sends for web_search (its recording 6ba8d7b2e643, byte for byte). */
const LLAMA_STACK_WEB_SEARCH = {
  type: "function",
  function: {
    name: "web_search",
    description: "Search the web for information",
    parameters: {
      type: "object",
      properties: { query: { type: "string", description: "The query to search for" } },
      required: ["query"],
    },
  },
};

/** What the scripted search answers for "Llama 4 Maverick experts" (see scripts/web-search.json). */
const MAVERICK_RESULTS = [
  {
    url: "https://huggingface.co/meta-llama/Llama-4-Maverick-17B-128E",
    title: "meta-llama/Llama-4-Maverick-17B-128E",
    content: "Llama 4 Maverick, a 17 billion parameter model with 128 experts.",
    score: 0.9183121,
    raw_content: null,
  },
];

test("web_search: the model sees Llama Stack's function, the search is a tool invocation, the answer follows", async () => {
  const { client, stack, calls, invocations } = startTestStack();
  try {
    const response = await client.responses.create({
      model: MODEL,
      input: "How many experts does the Llama 4 Maverick model have?",
      tools: [webSearch],
    });
    expect(response.status).toBe("completed");
    expect(response.output).toEqual([
      {
        id: "web_search_call_test1",
        type: "web_search_call",
        status: "completed",
        action: { type: "search", query: "Llama 4 Maverick experts" },
      },
      expect.objectContaining({ type: "message", status: "completed", role: "assistant" }),
    ]);
    expect(response.output_text).toBe("Llama 4 Maverick has 128 experts.");
    expect(response.tools).toEqual([webSearch]);
    expect(invocations).toEqual([
      { provider: "scripted", toolName: "web_search", kwargs: { query: "Llama 4 Maverick experts" } },
    ]);
    expect(calls.map((call) => call.body.tools)).toEqual([
      [LLAMA_STACK_WEB_SEARCH],
      [LLAMA_STACK_WEB_SEARCH],
    ]);
    // What Llama Stack's Tavily runtime makes of the answer: json.dumps({query, top_k}).
    expect(calls[1]?.body.messages.at(-1)).toEqual({
      role: "tool",
      tool_call_id: "call_search",
      content: pythonJsonDumps({ query: "Llama 4 Maverick experts", top_k: MAVERICK_RESULTS }),
    });
  } finally {
    stack.close();
  }
});

test("web_search streamed: the call's item and events as OpenAI emits them, then the answer", async () => {
  const { client, stack } = startTestStack();
  try {
    const events = await collect(
      await client.responses.create({
        model: MODEL,
        input: "How many experts does the Llama 4 Maverick model have?",
        tools: [webSearch],
        stream: true,
      }),
    );
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const searchEvents = events.slice(2, 7);
    expect(searchEvents.map((event) => event.type)).toEqual([
      "response.output_item.added",
      "response.web_search_call.in_progress",
      "response.web_search_call.searching",
      "response.web_search_call.completed",
      "response.output_item.done",
    ]);
    for (const event of searchEvents) {
      expect(event).toMatchObject({ output_index: 0 });
      expect("item_id" in event ? event.item_id : "item" in event && event.item.id).toBe(
        "web_search_call_test1",
      );
    }
    expect(searchEvents[0]).toMatchObject({ item: { status: "in_progress" } });
    expect(searchEvents[4]).toMatchObject({ item: { status: "completed" } });
    const last = events.at(-1);
    expect(last?.type).toBe("response.completed");
    if (last?.type !== "response.completed") return;
    expect(last.response.output.map((item) => item.type)).toEqual(["web_search_call", "message"]);
    const added = events.filter((event) => event.type === "response.output_item.added");
    expect(added.map((event) => event.type === "response.output_item.added" && event.output_index)).toEqual([
      0, 1,
    ]);
  } finally {
    stack.close();
  }
});

for (const type of ["web_search_preview", "web_search_preview_2025_03_11", "web_search_2025_08_26"]) {
  test(`'${type}' is web_search too`, async () => {
    const { client, stack, calls } = startTestStack();
    try {
      const response = await client.responses.create({
        model: MODEL,
        input: "How many experts does the Llama 4 Maverick model have?",
        tools: [{ type } as Tool],
      });
      expect(response.output.map((item) => item.type)).toEqual(["web_search_call", "message"]);
      expect(calls[0]?.body.tools).toEqual([LLAMA_STACK_WEB_SEARCH]);
    } finally {
      stack.close();
    }
  });
}

test("web_search mixed with a function tool, both called at once: the search runs, the function goes to the client", async () => {
  const { client, stack, calls, invocations } = startTestStack();
  try {
    const first = await client.responses.create({
      model: MODEL,
      input: "Search the news for San Francisco, and tell me its weather.",
      tools: [weatherTool, webSearch],
    });
    expect(first.output.map((item) => item.type)).toEqual(["function_call", "web_search_call"]);
    expect(invocations).toHaveLength(1);
    expect(calls[0]?.body.tools).toEqual([
      expect.objectContaining({ function: expect.objectContaining({ name: "get_weather" }) }),
      LLAMA_STACK_WEB_SEARCH,
    ]);
    const second = await client.responses.create({
      model: MODEL,
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: "call_weather", output: "It is raining." }],
      tools: [weatherTool, webSearch],
    });
    expect(second.output_text).toBe("It is raining, and the news is about the fog.");
    expect(calls[1]?.body.messages.slice(-2)).toEqual([
      {
        role: "tool",
        tool_call_id: "call_search",
        content: expect.stringContaining('"query": "San Francisco news"'),
      },
      { role: "tool", tool_call_id: "call_weather", content: "It is raining." },
    ]);
  } finally {
    stack.close();
  }
});

test("parallel web searches in one turn: each is invoked and has its item, in call order", async () => {
  const { client, stack, calls, invocations } = startTestStack();
  try {
    const response = await client.responses.create({
      model: MODEL,
      input: "Compare Llama 4 Scout and Maverick.",
      tools: [webSearch],
    });
    expect(invocations.map((invocation) => invocation.kwargs)).toEqual([
      { query: "Llama 4 Scout experts" },
      { query: "Llama 4 Maverick experts" },
    ]);
    expect(response.output.map((item) => item.type === "web_search_call" && item.action)).toEqual([
      { type: "search", query: "Llama 4 Scout experts" },
      { type: "search", query: "Llama 4 Maverick experts" },
      false,
    ]);
    expect(calls[1]?.body.messages.slice(-2).map((message) => message.tool_call_id)).toEqual([
      "call_a",
      "call_b",
    ]);
  } finally {
    stack.close();
  }
});

test("a search provider's error is a failed web_search_call the model is told about", async () => {
  const { client, stack, calls } = startTestStack();
  try {
    const response = await client.responses.create({
      model: MODEL,
      input: "How many experts does the Llama 4 Maverick model have?",
      tools: [webSearch],
    });
    expect(response.status).toBe("completed");
    expect(response.output.map((item) => [item.type, "status" in item && item.status])).toEqual([
      ["web_search_call", "failed"],
      ["message", "completed"],
    ]);
    expect(calls[1]?.body.messages.at(-1)).toEqual({
      role: "tool",
      tool_call_id: "call_search",
      content: "Search provider 'scripted' answered 432: This request exceeds your plan's set usage limit.",
    });
    expect(response.output_text).toBe("I could not search just now.");
  } finally {
    stack.close();
  }
});

test("a web_search call without a query is a failed call, and nothing is searched", async () => {
  const { client, stack, calls, invocations } = startTestStack();
  try {
    const response = await client.responses.create({ model: MODEL, input: "Search!", tools: [webSearch] });
    expect(invocations).toEqual([]);
    expect(response.output[0]).toMatchObject({ type: "web_search_call", status: "failed" });
    expect(calls[1]?.body.messages.at(-1)).toMatchObject({
      content: 'web_search needs a \'query\' string argument; it was called with {"q":"news"}.',
    });
  } finally {
    stack.close();
  }
});

test("a search missing from the script fails the response, naming what to add", async () => {
  const { client, stack, calls } = startTestStack();
  try {
    const error = await client.responses
      .create({ model: MODEL, input: "How many experts?", tools: [webSearch] })
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toContain(
      "No scripted search results for the web search 'unscripted query'",
    );
    expect((error as Error).message).toContain('"search_results"');
    expect(calls).toHaveLength(1);
  } finally {
    stack.close();
  }
});

test("without a search provider, web_search is refused with a 400 that says what to set", async () => {
  const { client, stack, calls } = startTestStack({ search: undefined });
  try {
    const error = await client.responses
      .create({ model: MODEL, input: "Search.", tools: [webSearch] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain("TAVILY_SEARCH_API_KEY");
    expect(calls).toEqual([]);
  } finally {
    stack.close();
  }
});
