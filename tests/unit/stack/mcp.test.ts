/**
 * mcp through the SDK, on the scripted model and a real MCP server (Llama Stack's test
 * tools): listing, calls, streaming events, both transports, allowed_tools, headers and
 * bearer tokens (kept out of everything the stack writes), approvals, and every way a
 * server can fail: a 401, unreachable, hanging, a tool error, gone between two calls.
 */
import { createServer } from "node:net";
import { expect, test } from "@playwright/test";
import { APIError, AuthenticationError } from "openai";
import type { Response as OpenAIResponse, Tool } from "openai/resources/responses/responses";
import {
  DEFAULT_TOOLS,
  type McpServerOptions,
  type McpTestServer,
  type McpTestTool,
  startMcpServer,
} from "../../integration/fixtures/mcp-server.ts";
import { collect, MODEL, stacksClosedAfterEach, weatherTool } from "./helpers.ts";

const BOILING = "What is the boiling point of myawesomeliquid in Celsius?";

/** The chat tools Llama Stack sent for the default tools (its recording b444eb7b7770). */
const FASTMCP_CHAT_TOOLS = [
  {
    type: "function",
    function: {
      name: "greet_everyone",
      parameters: {
        properties: { url: { title: "Url", type: "string" } },
        required: ["url"],
        title: "greet_everyoneArguments",
        type: "object",
      },
    },
  },
  {
    type: "function",
    function: {
      name: "get_boiling_point",
      description:
        "\n        Returns the boiling point of a liquid in Celsius or Fahrenheit.\n\n        :param liquid_name: The name of the liquid\n        :param celsius: Whether to return the boiling point in Celsius\n        :return: The boiling point of the liquid in Celcius or Fahrenheit\n        ",
      parameters: {
        properties: {
          liquid_name: { title: "Liquid Name", type: "string" },
          celsius: { default: true, title: "Celsius", type: "boolean" },
        },
        required: ["liquid_name"],
        title: "get_boiling_pointArguments",
        type: "object",
      },
    },
  },
];

const servers: McpTestServer[] = [];
async function mcpServer(options?: McpServerOptions): Promise<McpTestServer> {
  const server = await startMcpServer(options);
  servers.push(server);
  return server;
}

const stackForTest = stacksClosedAfterEach();

test.afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function mcp(server: McpTestServer | string, extra: Record<string, unknown> = {}): Tool {
  const url = typeof server === "string" ? server : server.url;
  return { type: "mcp", server_label: "localmcp", server_url: url, ...extra } as Tool;
}

const types = (response: OpenAIResponse) => response.output.map((item) => item.type);

test("the server's tools are listed, offered as Llama Stack offers them, called, and their result told", async () => {
  const server = await mcpServer();
  const { client, calls } = stackForTest();
  const response = await client.responses.create({ model: MODEL, input: BOILING, tools: [mcp(server)] });
  expect(types(response)).toEqual(["mcp_list_tools", "mcp_call", "message"]);
  expect(response.output[0]).toEqual({
    id: "mcp_list_tools_test1",
    type: "mcp_list_tools",
    server_label: "localmcp",
    tools: DEFAULT_TOOLS.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: tool.inputSchema,
    })),
  });
  expect(response.output[1]).toEqual({
    id: "mcp_call_test1",
    type: "mcp_call",
    name: "get_boiling_point",
    arguments: '{"liquid_name":"myawesomeliquid","celsius":true}',
    server_label: "localmcp",
    status: "completed",
    output: "-100",
    error: null,
  });
  expect(response.output_text).toBe('The boiling point of "myawesomeliquid" in Celsius is -100°C.');
  expect(calls.map((call) => call.body.tools)).toEqual([FASTMCP_CHAT_TOOLS, FASTMCP_CHAT_TOOLS]);
  expect(calls[1]?.body.messages.at(-1)).toEqual({
    role: "tool",
    tool_call_id: "call_boil",
    content: [{ type: "text", text: "-100" }],
  });
  expect(server.seen).toMatchObject({ listTools: 1, callTool: ["get_boiling_point"] });
});

test("streamed: mcp_list_tools and mcp_call with their events, output indexes and sequence numbers", async () => {
  const server = await mcpServer();
  const { client } = stackForTest();
  const events = await collect(
    await client.responses.create({ model: MODEL, input: BOILING, tools: [mcp(server)], stream: true }),
  );
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  const at = (index: number) =>
    events
      .filter((event) => "output_index" in event && event.output_index === index)
      .map((event) => event.type);
  expect(at(0)).toEqual([
    "response.output_item.added",
    "response.mcp_list_tools.in_progress",
    "response.mcp_list_tools.completed",
    "response.output_item.done",
  ]);
  expect(at(1)).toEqual([
    "response.output_item.added",
    "response.mcp_call_arguments.delta",
    "response.mcp_call_arguments.done",
    "response.mcp_call.in_progress",
    "response.mcp_call.completed",
    "response.output_item.done",
  ]);
  expect(at(2)[0]).toBe("response.output_item.added");
  expect(at(2).at(-1)).toBe("response.output_item.done");
  const added = events.find(
    (event) => event.type === "response.output_item.added" && event.output_index === 0,
  );
  expect(added?.type === "response.output_item.added" && added.item).toMatchObject({ tools: [] });
  const done = events.find((event) => event.type === "response.output_item.done" && event.output_index === 1);
  expect(done?.type === "response.output_item.done" && done.item).toMatchObject({
    output: "-100",
    status: "completed",
  });
  expect(events.at(-1)?.type).toBe("response.completed");
});

test("an SSE server (Llama Stack's test servers serve /sse) works as well, after Streamable HTTP is refused", async () => {
  const server = await mcpServer();
  const { client } = stackForTest();
  const response = await client.responses.create({
    model: MODEL,
    input: BOILING,
    tools: [mcp(server.sseUrl)],
  });
  expect(types(response)).toEqual(["mcp_list_tools", "mcp_call", "message"]);
  expect(response.output[1]).toMatchObject({ output: "-100" });
});

for (const allowed of [["get_boiling_point"], { tool_names: ["get_boiling_point"] }]) {
  test(`allowed_tools ${JSON.stringify(allowed)}: only those are listed and offered`, async () => {
    const server = await mcpServer();
    const { client, calls } = stackForTest();
    const response = await client.responses.create({
      model: MODEL,
      input: BOILING,
      tools: [mcp(server, { allowed_tools: allowed })],
    });
    const listing = response.output[0];
    expect(listing?.type === "mcp_list_tools" && listing.tools.map((tool) => tool.name)).toEqual([
      "get_boiling_point",
    ]);
    expect(calls[0]?.body.tools).toEqual([FASTMCP_CHAT_TOOLS[1]]);
  });
}

test("headers and the authorization token reach the server, and nothing the stack writes or returns", async () => {
  const token = "mcp-secret-token-0123456789";
  const server = await mcpServer({ requiredAuthToken: token });
  const { client, calls } = stackForTest();
  for (const auth of [
    { authorization: token },
    { headers: { Authorization: `Bearer ${token}`, "X-Tenant": "t1" } },
  ]) {
    const response = await client.responses.create({
      model: MODEL,
      input: BOILING,
      tools: [mcp(server, auth)],
    });
    expect(types(response)).toEqual(["mcp_list_tools", "mcp_call", "message"]);
    const stored = await client.responses.retrieve(response.id);
    for (const text of [JSON.stringify(response), JSON.stringify(stored), JSON.stringify(calls)]) {
      expect(text).not.toContain(token);
    }
    expect(response.tools).toEqual([mcp(server)]);
  }
  expect(new Set(server.seen.authorization)).toEqual(new Set([`Bearer ${token}`]));
});

test("without the server's token: a 401, streamed or not, before anything else happens", async () => {
  const server = await mcpServer({ requiredAuthToken: "needed-token-0123" });
  const { client, calls } = stackForTest();
  for (const stream of [false, true]) {
    const error = await client.responses
      .create({ model: MODEL, input: BOILING, tools: [mcp(server)], stream })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).message).toContain(
      `Could not list the tools of MCP server 'localmcp': MCP server at ${server.url} answered 401 Unauthorized. Pass its credentials in the tool's 'headers' or 'authorization'.`,
    );
  }
  expect(calls).toEqual([]);
});

test("an unreachable server is a clear error at once, not a hang", async () => {
  // A port that was free a moment ago: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address() as { port: number };
      probe.close(() => resolve(address.port));
    });
  });
  const { client, calls } = stackForTest();
  const started = Date.now();
  const error = await client.responses
    .create({ model: MODEL, input: BOILING, tools: [mcp(`http://127.0.0.1:${port}/mcp`)] })
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(APIError);
  expect((error as APIError).status).toBe(424);
  expect((error as APIError).message).toContain(
    `MCP server at http://127.0.0.1:${port}/mcp could not be reached`,
  );
  expect((error as APIError).message).toContain("ECONNREFUSED");
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(calls).toEqual([]);
});

test("a server that never answers is cut off at the deadline", async () => {
  const sockets: Array<{ destroy(): void }> = [];
  const silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const { port } = silent.address() as { port: number };
  try {
    const { client } = stackForTest({ mcp: { timeoutMs: 300 } });
    const error = await client.responses
      .create({ model: MODEL, input: BOILING, tools: [mcp(`http://127.0.0.1:${port}/mcp`)] })
      .catch((caught: unknown) => caught);
    expect((error as APIError).status).toBe(424);
    expect((error as APIError).message).toContain("did not answer within 300 ms");
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});

const failing: McpTestTool = {
  name: "get_boiling_point",
  description: "Fails.",
  inputSchema: { type: "object", properties: { liquid_name: { type: "string" } } },
  run: () => {
    throw new Error("the thermometer broke");
  },
};

test("a tool's error is a failed mcp_call the model is told about", async () => {
  const server = await mcpServer({ tools: [failing] });
  const { client, calls } = stackForTest();
  const events = await collect(
    await client.responses.create({ model: MODEL, input: BOILING, tools: [mcp(server)], stream: true }),
  );
  expect(events.map((event) => event.type)).toContain("response.mcp_call.failed");
  const last = events.at(-1);
  if (last?.type !== "response.completed") throw new Error(`ended with ${last?.type}`);
  expect(last.response.output[1]).toMatchObject({
    type: "mcp_call",
    status: "failed",
    output: null,
    error: "Error executing tool get_boiling_point: the thermometer broke",
  });
  expect(calls[1]?.body.messages.at(-1)).toEqual({
    role: "tool",
    tool_call_id: "call_boil",
    content: [{ type: "text", text: "Error executing tool get_boiling_point: the thermometer broke" }],
  });
});

test("a server gone between the listing and the call: a failed mcp_call, and the model goes on", async () => {
  const server = await mcpServer();
  const { client, calls } = stackForTest();
  const tools = [mcp(server)];
  const first = await client.responses.create({ model: MODEL, input: BOILING, tools });
  expect(types(first)).toEqual(["mcp_list_tools", "mcp_call", "message"]);
  await server.close();
  // The continuation reuses the listing, so only the call finds the server gone.
  const second = await client.responses.create({
    model: MODEL,
    input: "And again?",
    tools,
    previous_response_id: first.id,
  });
  expect(second.output[1]).toMatchObject({ type: "mcp_call", status: "failed" });
  const call = second.output[1];
  expect(call?.type === "mcp_call" && call.error).toContain("could not be reached");
  expect(second.output_text).toBe("The server is gone.");
  expect(calls).toHaveLength(4);
});

for (const approve of [true, false]) {
  test(`require_approval 'always', ${approve ? "approved" : "denied"}: the call waits for the answer, then ${approve ? "runs" : "does not"}`, async () => {
    const server = await mcpServer();
    const { client, calls } = stackForTest();
    const tools = [mcp(server, { require_approval: "always" })];
    const first = await client.responses.create({ model: MODEL, input: BOILING, tools });
    expect(types(first)).toEqual(["mcp_list_tools", "mcp_approval_request"]);
    const request = first.output[1];
    if (request?.type !== "mcp_approval_request") throw new Error("no approval request");
    expect(request).toEqual({
      id: "mcp_approval_request_test1",
      type: "mcp_approval_request",
      name: "get_boiling_point",
      arguments: '{"liquid_name":"myawesomeliquid","celsius":true}',
      server_label: "localmcp",
    });
    expect(server.seen.callTool).toEqual([]);
    const second = await client.responses.create({
      model: MODEL,
      previous_response_id: first.id,
      input: [{ type: "mcp_approval_response", approval_request_id: request.id, approve }],
      tools,
    });
    if (approve) {
      expect(types(second)).toEqual(["mcp_list_tools", "mcp_call", "message"]);
      expect(server.seen.callTool).toEqual(["get_boiling_point"]);
      expect(calls).toHaveLength(3);
    } else {
      expect(types(second)).toEqual(["mcp_list_tools"]);
      expect(server.seen.callTool).toEqual([]);
      expect(calls).toHaveLength(2);
    }
    // The approval answer is an input item of the second response.
    const items = await client.responses.inputItems.list(second.id);
    expect(items.data).toEqual([
      expect.objectContaining({ type: "mcp_approval_response", approval_request_id: request.id, approve }),
    ]);
  });
}

test("require_approval per tool: a tool under 'never' runs at once, one under 'always' waits", async () => {
  const server = await mcpServer();
  const { client } = stackForTest();
  const response = await client.responses.create({
    model: MODEL,
    input: "Greet everyone, then tell me the boiling point of myawesomeliquid.",
    tools: [
      mcp(server, {
        require_approval: {
          always: { tool_names: ["get_boiling_point"] },
          never: { tool_names: ["greet_everyone"] },
        },
      }),
    ],
  });
  expect(types(response)).toEqual(["mcp_list_tools", "mcp_call", "mcp_approval_request"]);
  expect(response.output[1]).toMatchObject({ name: "greet_everyone", output: "Hello, world!" });
  expect(response.output[2]).toMatchObject({ name: "get_boiling_point" });
  expect(server.seen.callTool).toEqual(["greet_everyone"]);
});

const rendezvous = (name: string): McpTestTool => ({
  name,
  description: "Waits until two calls are in flight.",
  inputSchema: { type: "object", properties: {} },
  run: async () => {
    inFlight++;
    const started = Date.now();
    while (inFlight < 2 && Date.now() - started < 2_000)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const met = inFlight >= 2;
    await new Promise((resolve) => setTimeout(resolve, 20));
    inFlight--;
    return met ? "met" : "alone";
  },
});
let inFlight = 0;

test("parallel MCP calls run at the same time, mixed with web_search and a function tool in one turn", async () => {
  const server = await mcpServer({ tools: [rendezvous("left"), rendezvous("right")] });
  const { client, invocations } = stackForTest();
  const response = await client.responses.create({
    model: MODEL,
    input: "Do everything at once.",
    tools: [weatherTool, mcp(server), { type: "web_search" }],
  });
  expect(types(response)).toEqual([
    "mcp_list_tools",
    "function_call",
    "mcp_call",
    "mcp_call",
    "web_search_call",
  ]);
  expect(response.output.flatMap((item) => (item.type === "mcp_call" ? [item.output] : []))).toEqual([
    "met",
    "met",
  ]);
  expect(invocations).toEqual([
    { provider: "scripted", toolName: "web_search", kwargs: { query: "everything" } },
  ]);
});

test("the loop bound holds with MCP calls too", async () => {
  const server = await mcpServer();
  const { client, calls } = stackForTest();
  const response = await client.responses.create({
    model: MODEL,
    input: BOILING,
    tools: [mcp(server)],
    max_infer_iters: 3,
  } as never);
  expect(calls).toHaveLength(3);
  expect(response.status).toBe("incomplete");
  expect(response.incomplete_details).toEqual({ reason: "max_infer_iters" });
  expect(types(response)).toEqual(["mcp_list_tools", "mcp_call", "mcp_call", "mcp_call"]);
});

test("a continuation with other allowed_tools lists the server again", async () => {
  const server = await mcpServer();
  const { client } = stackForTest();
  const first = await client.responses.create({ model: MODEL, input: BOILING, tools: [mcp(server)] });
  await client.responses.create({
    model: MODEL,
    input: "Only greet now.",
    tools: [mcp(server, { allowed_tools: ["greet_everyone"] })],
    previous_response_id: first.id,
  });
  expect(server.seen.listTools).toBe(2);
});
