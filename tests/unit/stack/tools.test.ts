/** Function tools: calls out (parallel ones in order), results back, built-ins refused. */
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { BadRequestError } from "openai";
import type { ResponseInputItem } from "openai/resources/responses/responses";
import type { UpstreamFetch } from "../../../stack/ports.ts";
import { collect, MODEL, REPO_ROOT, startTestStack, weatherTool } from "./helpers.ts";

test("parallel function calls come back as function_call items in index order", async () => {
  const { client, stack, calls } = startTestStack();
  try {
    const response = await client.responses.create({
      model: MODEL,
      input: "Is the weather better in San Francisco or Los Angeles?",
      tools: [weatherTool],
    });
    expect(response.output).toEqual([
      {
        id: expect.stringMatching(/^fc_/),
        type: "function_call",
        status: "completed",
        name: "get_weather",
        call_id: expect.stringMatching(/^call_/),
        arguments: JSON.stringify({ location: "San Francisco, USA" }),
      },
      {
        id: expect.stringMatching(/^fc_/),
        type: "function_call",
        status: "completed",
        name: "get_weather",
        call_id: expect.stringMatching(/^call_/),
        arguments: JSON.stringify({ location: "Los Angeles, USA" }),
      },
    ]);
    expect(response.tools).toEqual([{ ...weatherTool }]);
    expect(calls[0]?.body.tools).toEqual([
      {
        type: "function",
        function: {
          type: "function",
          name: "get_weather",
          description: weatherTool.description,
          parameters: weatherTool.parameters,
          strict: null,
        },
      },
    ]);
  } finally {
    stack.close();
  }
});

/** Serves the seed recording's chunks as the upstream's SSE answer, and keeps the request body. */
function seedUpstream(): { fetch: UpstreamFetch; bodies: unknown[]; seed: { request: { body: unknown } } } {
  const seed = JSON.parse(readFileSync(`${REPO_ROOT}tests/unit/fixtures/seed-recording.json`, "utf8"));
  const bodies: unknown[] = [];
  const sse = [
    ...seed.response.body.map(
      (chunk: { __data__: unknown }) => `data: ${JSON.stringify(chunk.__data__)}\n\n`,
    ),
    "data: [DONE]\n\n",
  ].join("");
  const fetch: UpstreamFetch = async (input, init) => {
    const request = new Request(input, init);
    if (request.url !== "https://api.openai.com/v1/chat/completions") {
      return Response.json({ error: { message: `unexpected ${request.url}` } }, { status: 404 });
    }
    bodies.push(await request.json());
    return new Response(sse, { headers: { "content-type": "text/event-stream" } });
  };
  return { fetch, bodies, seed };
}

for (const stream of [false, true]) {
  test(`the seed's parallel tool-call stream replays as two calls, San Francisco then Los Angeles (stream: ${stream})`, async () => {
    const upstream = seedUpstream();
    const { client, stack } = startTestStack({
      fetch: upstream.fetch,
      providers: [
        { type: "openai-compatible", id: "openai", baseURL: "https://api.openai.com/v1", apiKey: "sk-test" },
      ],
    });
    try {
      const params = {
        model: "openai/gpt-4o",
        input: "Is the weather better in San Francisco or Los Angeles?",
        tools: [{ ...weatherTool, strict: undefined }] as unknown as (typeof weatherTool)[],
      };
      const response = stream
        ? await collect(await client.responses.create({ ...params, stream: true })).then((events) => {
            const last = events.at(-1);
            if (last?.type !== "response.completed") throw new Error(`stream ended with ${last?.type}`);
            return last.response;
          })
        : await client.responses.create(params);

      // The stack sent exactly the body Llama Stack sent, so the recording's hash matches.
      expect(upstream.bodies).toEqual([upstream.seed.request.body]);
      expect(response.status).toBe("completed");
      expect(response.model).toBe("openai/gpt-4o");
      expect(
        response.output.map(
          (item) => item.type === "function_call" && [item.name, item.call_id, JSON.parse(item.arguments)],
        ),
      ).toEqual([
        ["get_weather", "call_VeQ0JBvrjUPMx6FVQliYseD6", { location: "San Francisco, USA" }],
        ["get_weather", "call_vEJqxX6A5y5ITfKlklzI3ia9", { location: "Los Angeles, USA" }],
      ]);
    } finally {
      stack.close();
    }
  });
}

test("function results go back to the model with previous_response_id", async () => {
  const { client, stack, calls } = startTestStack();
  try {
    const first = await client.responses.create({
      model: MODEL,
      input: "Which is warmer, Paris or Rome?",
      tools: [weatherTool],
    });
    const results: ResponseInputItem[] = first.output.flatMap((item) =>
      item.type === "function_call"
        ? [
            {
              type: "function_call_output",
              call_id: item.call_id,
              output: item.call_id === "call_paris" ? "18C" : "24C",
            },
          ]
        : [],
    );
    expect(results).toHaveLength(2);
    const second = await client.responses.create({
      model: MODEL,
      previous_response_id: first.id,
      input: results,
      tools: [weatherTool],
    });
    expect(second.output_text).toBe("Rome is warmer: 24C against 18C in Paris.");
    expect(second.previous_response_id).toBe(first.id);
    // The first turn as Llama Stack keeps it (its recording b109b2a03149 shows the shape):
    // the calls with their stream index, `content: ""`, then the outputs that answer them.
    expect(calls[1]?.body.messages).toEqual([
      { role: "user", content: "Which is warmer, Paris or Rome?" },
      {
        role: "assistant",
        content: "",
        tool_calls: [
          {
            index: 0,
            id: "call_paris",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"Paris, France"}' },
          },
          {
            index: 1,
            id: "call_rome",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"Rome, Italy"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_paris", content: "18C" },
      { role: "tool", tool_call_id: "call_rome", content: "24C" },
    ]);
  } finally {
    stack.close();
  }
});

test("output items fed back verbatim are accepted as input", async () => {
  const { client, stack, calls } = startTestStack();
  try {
    const question = { role: "user" as const, content: "How cold is Oslo?" };
    const first = await client.responses.create({ model: MODEL, input: [question], tools: [weatherTool] });
    expect(first.output.map((item) => item.type)).toEqual(["message", "function_call"]);
    const second = await client.responses.create({
      model: MODEL,
      input: [
        question,
        ...(first.output as ResponseInputItem[]),
        { type: "function_call_output", call_id: "call_oslo", output: "-3C" },
      ],
      tools: [weatherTool],
    });
    expect(second.output_text).toBe("It is -3C in Oslo.");
    // Converted as Llama Stack converts input items: the message keeps its parts, the
    // function call is an assistant message of its own.
    expect(calls[1]?.body.messages).toEqual([
      { role: "user", content: "How cold is Oslo?" },
      { role: "assistant", content: [{ type: "text", text: "Let me check." }] },
      {
        role: "assistant",
        tool_calls: [
          {
            index: 0,
            id: "call_oslo",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"Oslo"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_oslo", content: "-3C" },
    ]);
  } finally {
    stack.close();
  }
});

test("malformed arguments from the model are passed on verbatim", async () => {
  const { client, stack } = startTestStack();
  try {
    const response = await client.responses.create({ model: MODEL, input: "Weather?", tools: [weatherTool] });
    expect(response.output[0]?.type === "function_call" && response.output[0].arguments).toBe(
      '{"location": "Par',
    );
  } finally {
    stack.close();
  }
});

for (const tool of [
  { type: "file_search", vector_store_ids: ["vs_1"] },
  { type: "mcp", server_label: "docs", server_url: "http://127.0.0.1:9/mcp" },
]) {
  test(`built-in tool '${tool.type}' is refused with a 400 saying it is not supported yet`, async () => {
    const { client, stack, calls } = startTestStack();
    try {
      const error = await client.responses
        .create({ model: MODEL, input: "Search for it.", tools: [tool as never] })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).param).toBe("tools[0].type");
      expect((error as BadRequestError).message).toContain(
        `Tool type '${tool.type}' is not supported by this stack yet`,
      );
      expect(calls).toEqual([]);
    } finally {
      stack.close();
    }
  });
}

test("tool_choice naming a function that is not among the tools is a 400", async () => {
  const { client, stack } = startTestStack();
  try {
    const error = await client.responses
      .create({
        model: MODEL,
        input: "x",
        tools: [weatherTool],
        tool_choice: { type: "function", name: "get_time" },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe("tool_choice");
    expect((error as BadRequestError).message).toContain("get_time");
  } finally {
    stack.close();
  }
});
