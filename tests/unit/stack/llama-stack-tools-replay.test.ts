/**
 * Llama Stack 0.2's own recordings of its web_search and MCP tests (real gpt-4o, real
 * Tavily; tests/unit/fixtures/llama-stack/recordings/, unchanged) replayed through our stack under
 * the Python test ids, in library and server mode. A recording answers only a request
 * whose body hashes like the one Llama Stack sent, so each replay proves the bytes: the
 * web_search function and the Tavily invocation, the chat tools made from a FastMCP
 * server's tools (ours plays it), the tool messages, the order of messages in the loop,
 * continuations and approvals. Every test also checks that exactly its recordings answered.
 */
import { readdirSync, rmSync } from "node:fs";
import { expect, test } from "@playwright/test";
import OpenAI, { AuthenticationError } from "openai";
import type {
  Response as OpenAIResponse,
  ResponseStreamEvent,
  Tool,
} from "openai/resources/responses/responses";
import { createRecorder, testIdHeaders } from "../../../recorder/index.ts";
import { createStack, type StackOptions } from "../../../stack/app.ts";
import { startStackServer } from "../../../stack/server.ts";
import { tavilySearch } from "../../../stack/tools/web-search/search-provider.ts";
import {
  DEPENDENCY_TOOLS,
  type McpServerOptions,
  type McpTestServer,
  startMcpServer,
} from "../../integration/fixtures/mcp-server.ts";
import { collect } from "./helpers.ts";
import { llamaStackRecordingsFolder, RECORDINGS } from "./support/llama-stack-recordings.ts";

const PY = "tests/integration/responses/test_tool_responses.py";
const BOILING = "What is the boiling point of myawesomeliquid in Celsius?";

function hashes(...prefixes: string[]): string[] {
  const files = readdirSync(RECORDINGS);
  return prefixes.map((prefix) => {
    const file = files.find((name) => name.startsWith(prefix));
    if (!file) throw new Error(`no fixture ${prefix}`);
    return file.replace(/\.json$/, "");
  });
}

interface Replay {
  client: OpenAI;
  /** The hashes of the recordings that answered, in order. */
  replayed: string[];
  misses: string[];
  mcp(options?: McpServerOptions): Promise<McpTestServer>;
}

/** Replays the Llama Stack recordings (nothing else, no network) under `testId`, in one stack form. */
async function replaying(
  form: "library" | "server",
  testId: string,
  body: (replay: Replay) => Promise<void>,
) {
  const root = llamaStackRecordingsFolder();
  const offline = async () => {
    throw new Error("replay must not reach the network");
  };
  const recorder = createRecorder({ mode: "replay", recordingDir: root, env: {}, upstream: offline });
  const replayed: string[] = [];
  const misses: string[] = [];
  recorder.onInteraction((interaction) => replayed.push(interaction.hash));
  recorder.onMiss((miss) => misses.push(miss.message));
  const options: StackOptions = {
    ports: recorder,
    // Llama Stack's OpenAI base URL ends in /v1 and its endpoint repeats it (see the seed test).
    providers: [
      { type: "openai-compatible", id: "openai", baseURL: "https://api.openai.com/v1/v1", apiKey: "sk-x" },
    ],
    search: { ...tavilySearch({}), fetch: offline },
  };
  const servers: McpTestServer[] = [];
  const mcp = async (serverOptions?: McpServerOptions) => {
    const server = await startMcpServer(serverOptions);
    servers.push(server);
    return server;
  };
  const headers = testIdHeaders(testId);
  try {
    if (form === "library") {
      const stack = createStack(options);
      try {
        const client = new OpenAI({
          baseURL: "http://stack.local/v1",
          apiKey: "x",
          fetch: stack.fetch,
          defaultHeaders: headers,
          maxRetries: 0,
        });
        await body({ client, replayed, misses, mcp });
      } finally {
        stack.close();
      }
    } else {
      const server = await startStackServer({ ...options, port: 0 });
      try {
        const client = new OpenAI({
          baseURL: `${server.url}/v1`,
          apiKey: "x",
          defaultHeaders: headers,
          maxRetries: 0,
        });
        await body({ client, replayed, misses, mcp });
      } finally {
        await server.close();
      }
    }
  } finally {
    await Promise.all(servers.map((server) => server.close()));
    rmSync(root, { recursive: true, force: true });
  }
}

/** Llama Stack's tools[] for the MCP tests, with the test server's SSE url as its tests use. */
function mcpTools(server: McpTestServer, extra: Record<string, unknown> = {}): Tool[] {
  return [{ type: "mcp", server_label: "localmcp", server_url: server.sseUrl, ...extra } as Tool];
}

function expectListing(item: OpenAIResponse["output"][number] | undefined, names: string[]) {
  expect(item?.type).toBe("mcp_list_tools");
  if (item?.type !== "mcp_list_tools") return;
  expect(item.server_label).toBe("localmcp");
  expect(item.tools.map((tool) => tool.name).sort()).toEqual([...names].sort());
}

function expectBoilingCall(item: OpenAIResponse["output"][number] | undefined) {
  expect(item?.type).toBe("mcp_call");
  if (item?.type !== "mcp_call") return;
  expect(item.name).toBe("get_boiling_point");
  expect(JSON.parse(item.arguments)).toEqual({ liquid_name: "myawesomeliquid", celsius: true });
  expect(item.error).toBeNull();
  expect(item.output).toContain("-100");
}

for (const form of ["library", "server"] as const) {
  test.describe(`${form} mode`, () => {
    test("test_response_non_streaming_web_search: the web_search function, the Tavily invocation, the answer", async () => {
      const testId = `${PY}::test_response_non_streaming_web_search[openai_client-txt=openai/gpt-4o-llama_experts]`;
      await replaying(form, testId, async ({ client, replayed, misses }) => {
        const response = await client.responses.create({
          model: "openai/gpt-4o",
          input: "How many experts does the Llama 4 Maverick model have?",
          tools: [{ type: "web_search", search_context_size: "low" }],
          stream: false,
        });
        expect(misses).toEqual([]);
        // The first turn, the Tavily search (provider, tool, kwargs), the turn with its result.
        expect(replayed).toEqual(hashes("6ba8d7b2e643", "42c357284497", "d5c0478a7387"));
        expect(response.output.length).toBeGreaterThan(1);
        expect(response.output[0]).toMatchObject({ type: "web_search_call", status: "completed" });
        expect(response.output[1]).toMatchObject({ type: "message", status: "completed", role: "assistant" });
        expect(response.output_text.toLowerCase()).toContain("128");
      });
    });

    test("test_response_non_streaming_mcp_tool: FastMCP's tools as chat tools, the call, its result; a 401 without the token", async () => {
      const testId = `${PY}::test_response_non_streaming_mcp_tool[client_with_models-txt=openai/gpt-4o-boiling_point_tool]`;
      await replaying(form, testId, async ({ client, replayed, misses, mcp }) => {
        const open = await mcp();
        const response = await client.responses.create({
          model: "openai/gpt-4o",
          input: BOILING,
          tools: mcpTools(open),
          stream: false,
        });
        expect(misses).toEqual([]);
        expect(replayed).toEqual(hashes("b444eb7b7770", "48a79d3a2c6b"));
        expect(response.output.length).toBeGreaterThanOrEqual(3);
        expectListing(response.output[0], ["get_boiling_point", "greet_everyone"]);
        expectBoilingCall(response.output[1]);
        const message = response.output.at(-1);
        expect(
          message?.type === "message" &&
            message.content[0]?.type === "output_text" &&
            message.content[0].text.toLowerCase(),
        ).toContain("boiling point");

        const guarded = await mcp({ requiredAuthToken: "test-token" });
        const refused = await client.responses
          .create({ model: "openai/gpt-4o", input: BOILING, tools: mcpTools(guarded), stream: false })
          .catch((caught: unknown) => caught);
        expect(refused).toBeInstanceOf(AuthenticationError);
        expect((refused as Error).message).toContain("MCP server 'localmcp'");
        const allowed = await client.responses.create({
          model: "openai/gpt-4o",
          input: BOILING,
          tools: mcpTools(guarded, { headers: { Authorization: "Bearer test-token" } }),
          stream: false,
        });
        expect(allowed.output.length).toBeGreaterThanOrEqual(3);
        expect(misses).toEqual([]);
      });
    });

    test("test_response_sequential_mcp_tool: the continuation sends the stored messages, the listing is reused", async () => {
      const testId = `${PY}::test_response_sequential_mcp_tool[client_with_models-txt=openai/gpt-4o-boiling_point_tool]`;
      await replaying(form, testId, async ({ client, replayed, misses, mcp }) => {
        const server = await mcp();
        const tools = mcpTools(server);
        const response = await client.responses.create({
          model: "openai/gpt-4o",
          input: BOILING,
          tools,
          stream: false,
        });
        expectListing(response.output[0], ["get_boiling_point", "greet_everyone"]);
        expectBoilingCall(response.output[1]);
        const second = await client.responses.create({
          model: "openai/gpt-4o",
          input: BOILING,
          tools,
          stream: false,
          previous_response_id: response.id,
        });
        expect(misses).toEqual([]);
        expect(replayed).toEqual(hashes("99e248136865", "4bedee024b0d", "aecfdc114acd"));
        const message = second.output.at(-1);
        expect(
          message?.type === "message" &&
            message.content[0]?.type === "output_text" &&
            message.content[0].text.toLowerCase(),
        ).toContain("boiling point");
        // The second response shows the listing again, but the server was asked once.
        expectListing(second.output[0], ["get_boiling_point", "greet_everyone"]);
        expect(server.seen.listTools).toBe(1);
      });
    });

    for (const approve of [true, false]) {
      test(`test_response_mcp_tool_approval (approve: ${approve}): the request, then the model asked again`, async () => {
        const testId = `${PY}::test_response_mcp_tool_approval[client_with_models-txt=openai/gpt-4o-${approve ? "True" : "False"}-boiling_point_tool]`;
        await replaying(form, testId, async ({ client, replayed, misses, mcp }) => {
          const server = await mcp();
          const tools = mcpTools(server, { require_approval: "always" });
          const response = await client.responses.create({
            model: "openai/gpt-4o",
            input: BOILING,
            tools,
            stream: false,
          });
          expect(response.output.length).toBeGreaterThanOrEqual(2);
          expectListing(response.output[0], ["get_boiling_point", "greet_everyone"]);
          const request = response.output[1];
          if (request?.type !== "mcp_approval_request")
            throw new Error(`expected an approval request, got ${request?.type}`);
          expect(request.name).toBe("get_boiling_point");
          expect(JSON.parse(request.arguments)).toEqual({ liquid_name: "myawesomeliquid", celsius: true });
          expect(server.seen.callTool).toEqual([]);

          const answered = await client.responses.create({
            previous_response_id: response.id,
            model: "openai/gpt-4o",
            input: [{ type: "mcp_approval_response", approval_request_id: request.id, approve }],
            tools,
            stream: false,
          });
          expect(misses).toEqual([]);
          if (approve) {
            // The same first turn twice (one recording), then the turn with the result.
            expect(replayed).toEqual(hashes("e1b5612f6a7a", "e1b5612f6a7a", "b96b2c6b8e6a"));
            expect(answered.output.length).toBeGreaterThanOrEqual(3);
            expectListing(answered.output[0], ["get_boiling_point", "greet_everyone"]);
            expectBoilingCall(answered.output[1]);
            expect(server.seen.callTool).toEqual(["get_boiling_point"]);
          } else {
            expect(replayed).toEqual(hashes("0cc813668097", "0cc813668097"));
            expect(answered.output.length).toBeGreaterThanOrEqual(1);
            expect(answered.output.some((item) => item.type === "mcp_call")).toBe(false);
            expect(server.seen.callTool).toEqual([]);
          }
        });
      });
    }

    const multiTurn = [
      {
        id: "experiment_results_lookup",
        input:
          "I need to get the results for the 'boiling_point' experiment. First, get the experiment ID for 'boiling_point', then use that ID to get the experiment results. Tell me the boiling point in Celsius.",
        expected: "100°C",
        recordings: ["40a18e2b7f51", "509178acd3d5", "8ff1917b6141"],
      },
      {
        id: "user_file_access_check",
        input:
          "I need to check if user 'alice' can access the file 'document.txt'. First, get alice's user ID, then check if that user ID can access the file 'document.txt'. Do this as a series of steps, where each step is a separate message. Return only one tool call per step. Summarize the final result with a single 'yes' or 'no' response.",
        expected: "yes",
        recordings: ["6ab2edfdd402", "fcf8b46b3df5", "0886826933da"],
      },
    ];
    for (const testCase of multiTurn) {
      test(`test_response_non_streaming_multi_turn_tool_execution[${testCase.id}]: the loop's messages in Llama Stack's order`, async () => {
        const testId = `${PY}::test_response_non_streaming_multi_turn_tool_execution[client_with_models-txt=openai/gpt-4o-${testCase.id}]`;
        await replaying(form, testId, async ({ client, replayed, misses, mcp }) => {
          const server = await mcp({ tools: DEPENDENCY_TOOLS });
          const response = await client.responses.create({
            input: testCase.input,
            model: "openai/gpt-4o",
            tools: mcpTools(server),
          });
          expect(misses).toEqual([]);
          expect(replayed).toEqual(hashes(...testCase.recordings));
          const listings = response.output.filter((item) => item.type === "mcp_list_tools");
          expect(listings).toHaveLength(1);
          expectListing(
            listings[0],
            DEPENDENCY_TOOLS.map((tool) => tool.name),
          );
          const calls = response.output.filter((item) => item.type === "mcp_call");
          expect(calls.length).toBeGreaterThanOrEqual(1);
          for (const call of calls) expect(call.type === "mcp_call" && call.error).toBeNull();
          expect(response.output.at(-1)).toMatchObject({
            type: "message",
            role: "assistant",
            status: "completed",
          });
          expect(response.output_text.toLowerCase()).toContain(testCase.expected.toLowerCase());
        });
      });
    }

    const streaming = [
      {
        id: "user_permissions_workflow",
        input:
          "Help me with this security check: First, get the user ID for 'charlie', then get the permissions for that user ID, and finally check if that user can access 'secret_file.txt'. Stream your progress as you work through each step. Return only one tool call per step. Summarize the final result with a single 'yes' or 'no' response.",
        expected: "no",
        recordings: ["25b4b134c476", "9063a27d8bb0", "5247116dcb54", "3e0f3aa56ce9"],
      },
      {
        id: "experiment_analysis_streaming",
        input:
          "I need a complete analysis: First, get the experiment ID for 'chemical_reaction', then get the results for that experiment, and tell me if the yield was above 80%. Return only one tool call per step.  Please stream your analysis process.",
        expected: "85%",
        recordings: ["4bb45a63aa89", "df282e0ebee9", "ef7060e39e76"],
      },
    ];
    for (const testCase of streaming) {
      test(`test_response_streaming_multi_turn_tool_execution[${testCase.id}]: streamed, with MCP events`, async () => {
        const testId = `${PY}::test_response_streaming_multi_turn_tool_execution[client_with_models-txt=openai/gpt-4o-${testCase.id}]`;
        await replaying(form, testId, async ({ client, replayed, misses, mcp }) => {
          const server = await mcp({ tools: DEPENDENCY_TOOLS });
          const events: ResponseStreamEvent[] = await collect(
            await client.responses.create({
              input: testCase.input,
              model: "openai/gpt-4o",
              tools: mcpTools(server),
              stream: true,
            }),
          );
          expect(misses).toEqual([]);
          expect(replayed).toEqual(hashes(...testCase.recordings));
          const types = events.map((event) => event.type);
          expect(types[0]).toBe("response.created");
          expect(types.at(-1)).toBe("response.completed");
          for (const type of [
            "response.mcp_list_tools.in_progress",
            "response.mcp_list_tools.completed",
            "response.mcp_call_arguments.delta",
            "response.mcp_call_arguments.done",
            "response.mcp_call.in_progress",
            "response.mcp_call.completed",
            "response.output_item.added",
            "response.output_item.done",
          ]) {
            expect(types).toContain(type);
          }
          expect(events.length).toBeGreaterThan(10);
          const last = events.at(-1);
          if (last?.type !== "response.completed") return;
          expect(last.response.output.filter((item) => item.type === "mcp_list_tools")).toHaveLength(1);
          expect(
            last.response.output.filter((item) => item.type === "mcp_call").length,
          ).toBeGreaterThanOrEqual(1);
          const text = last.response.output
            .flatMap((item) => (item.type === "message" ? item.content : []))
            .map((part) => (part.type === "output_text" ? part.text : ""))
            .join("");
          expect(text.toLowerCase()).toContain(testCase.expected.toLowerCase());
        });
      });
    }
  });
}
