/**
 * Ported from Llama Stack's tests/integration/responses/test_tool_responses.py
 * (f50ce11a3): built-in tools the stack runs (web search, file search, MCP), and function
 * tools the caller runs, answered by `previous_response_id` or by feeding the conversation back.
 */
import { writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AuthenticationError } from "openai";
import type {
  Response,
  ResponseFileSearchToolCall,
  ResponseFunctionToolCall,
  ResponseInputItem,
  Tool,
} from "openai/resources/responses/responses";
import { expect, test } from "../fixtures/harness.ts";
import { DEPENDENCY_TOOLS } from "../fixtures/mcp-server.ts";
import { BOTH_CLIENTS, LIBRARY_CLIENT_ONLY, portOf } from "../fixtures/ported.ts";
import { orSkipUnreplayable } from "../fixtures/unreplayable.ts";
import {
  customToolTestCases,
  fileSearchTestCases,
  getWeatherTool,
  mcpToolTestCases,
  multiTurnToolExecutionStreamingTestCases,
  multiTurnToolExecutionTestCases,
  toolsOf,
  webSearchTestCases,
} from "./fixtures/test-cases.ts";
import { embeddingOf, newVectorStore, setupMcpTools, uploadFile, waitForFileAttachment } from "./helpers.ts";
import { collectEvents, outputTextOf, StreamingValidator } from "./streaming-assertions.ts";

const FIXTURES_DIR = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** Python's first checks of a file search: more than one output, the first a completed search with queries. */
function fileSearchCallOf(response: Response): ResponseFileSearchToolCall {
  expect(response.output.length).toBeGreaterThan(1);
  const [call] = response.output;
  expect(call).toMatchObject({ type: "file_search_call", status: "completed" });
  if (call?.type !== "file_search_call") throw new Error(`expected a file_search_call, got ${call?.type}`);
  expect(call.queries.length).toBeGreaterThan(0); // ensure it's some non-empty list
  return call;
}

/** Ends a test that met a call no replay can answer (unreplayable.ts) as skipped, with why. */
const skipUnreplayable = (reason: string) => test.skip(true, reason);

const boilingPointArguments = { liquid_name: "myawesomeliquid", celsius: true };

/** The MCP server's tools, as Python checks them in its first output item. */
function expectBoilingPointListing(listTools: Response["output"][number] | undefined): void {
  expect(listTools?.type).toBe("mcp_list_tools");
  if (listTools?.type !== "mcp_list_tools") return;
  expect(listTools.server_label).toBe("localmcp");
  expect(listTools.tools).toHaveLength(2);
  expect(new Set(listTools.tools.map((tool) => tool.name))).toEqual(
    new Set(["get_boiling_point", "greet_everyone"]),
  );
}

/** Python's checks of an MCP response that ran the tool: the listing, the call, the answer. */
function expectBoilingPointAnswer(response: Response): void {
  expect(response.output.length).toBeGreaterThanOrEqual(3);
  expectBoilingPointListing(response.output[0]);
  const call = response.output[1];
  expect(call?.type).toBe("mcp_call");
  if (call?.type === "mcp_call") {
    expect(call.name).toBe("get_boiling_point");
    expect(JSON.parse(call.arguments)).toEqual(boilingPointArguments);
    expect(call.error ?? null).toBeNull();
    expect(call.output).toContain("-100");
  }
  // sometimes the model will call the tool again, so we need to get the last message
  expect(lastMessageText(response).toLowerCase()).toContain("boiling point");
}

function lastMessageText(response: Response): string {
  const message = response.output.at(-1);
  const part = message?.type === "message" ? message.content[0] : undefined;
  return part?.type === "output_text" ? part.text : "";
}

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
  "test_response_non_streaming_file_search",
  { clients: BOTH_CLIENTS, embedding: true },
  fileSearchTestCases,
  (testCase, declared) => {
    test(...declared, async ({ client, textModel, harness, recorder }, testInfo) => {
      const embedding = embeddingOf(harness);
      const vectorStore = await newVectorStore(
        client,
        "test_vector_store",
        embedding.model,
        embedding.dimension,
      );

      let fileName: string;
      let filePath: string;
      if (testCase.fileContent) {
        fileName = "test_response_non_streaming_file_search.txt";
        filePath = testInfo.outputPath(fileName);
        await writeFile(filePath, testCase.fileContent);
      } else if (testCase.filePath) {
        filePath = join(FIXTURES_DIR, testCase.filePath);
        fileName = basename(filePath);
      } else {
        throw new Error("No file content or path provided for case");
      }

      // Llama Stack's recordings of a PDF's ingestion cannot replay (see unreplayable.ts).
      const unreplayable = { recorder, recordingDir: harness.recordingDir, skip: skipUnreplayable };
      await orSkipUnreplayable(async () => {
        const fileResponse = await uploadFile(client, fileName, filePath);

        // Attach our file to the vector store
        await client.vectorStores.files.create(vectorStore.id, { file_id: fileResponse.id });

        // Wait for the file to be attached
        await waitForFileAttachment(client, vectorStore.id, fileResponse.id);
      }, unreplayable);

      // Update our tools with the right vector store id
      const tools = toolsOf(
        (testCase.tools ?? []).map((tool) =>
          tool.type === "file_search" ? { ...tool, vector_store_ids: [vectorStore.id] } : tool,
        ),
      );

      // Create the response request, which should query our vector store
      const response = await orSkipUnreplayable(
        () =>
          client.responses.create({
            model: textModel,
            input: testCase.input,
            tools,
            stream: false,
            include: ["file_search_call.results"],
          }),
        unreplayable,
      );

      // Verify the file_search_tool was called
      const call = fileSearchCallOf(response);
      expect(call.results?.length).toBeGreaterThan(0);
      expect(call.results?.[0]?.text?.toLowerCase()).toContain(testCase.expected.toLowerCase());
      expect(call.results?.[0]?.score).toBeGreaterThan(0);

      // Verify the output_text generated by the response
      expect(response.output_text.toLowerCase().trim()).toContain(testCase.expected.toLowerCase());
    });
  },
);

for (const declared of python.tests("test_response_non_streaming_file_search_empty_vector_store", {
  clients: BOTH_CLIENTS,
  embedding: true,
})) {
  test(...declared, async ({ client, textModel, harness }) => {
    const embedding = embeddingOf(harness);
    const vectorStore = await newVectorStore(
      client,
      "test_vector_store",
      embedding.model,
      embedding.dimension,
    );

    // Create the response request, which should query our vector store
    const response = await client.responses.create({
      model: textModel,
      input: "How many experts does the Llama 4 Maverick model have?",
      tools: [{ type: "file_search", vector_store_ids: [vectorStore.id] }],
      stream: false,
      include: ["file_search_call.results"],
    });

    // Verify the file_search_tool was called
    const call = fileSearchCallOf(response);
    expect(call.results ?? []).toHaveLength(0); // ensure we don't get any results

    // Verify some output_text was generated by the response
    expect(response.output_text).toBeTruthy();
  });
}

for (const declared of python.tests("test_response_sequential_file_search", {
  clients: BOTH_CLIENTS,
  embedding: true,
})) {
  test(...declared, async ({ client, textModel, harness, recorder }, testInfo) => {
    const embedding = embeddingOf(harness);
    const vectorStore = await newVectorStore(
      client,
      "test_vector_store",
      embedding.model,
      embedding.dimension,
    );

    // Create a test file with content
    const fileContent = "The Llama 4 Maverick model has 128 experts in its mixture of experts architecture.";
    const fileName = "test_sequential_file_search.txt";
    const filePath = testInfo.outputPath(fileName);
    await writeFile(filePath, fileContent);

    const fileResponse = await uploadFile(client, fileName, filePath);

    // Attach the file to the vector store
    await client.vectorStores.files.create(vectorStore.id, { file_id: fileResponse.id });

    // Wait for the file to be attached
    await waitForFileAttachment(client, vectorStore.id, fileResponse.id);

    const tools: Tool[] = [{ type: "file_search", vector_store_ids: [vectorStore.id] }];
    const unreplayable = { recorder, recordingDir: harness.recordingDir, skip: skipUnreplayable };

    // First response request with file search
    const response = await orSkipUnreplayable(
      () =>
        client.responses.create({
          model: textModel,
          input: "How many experts does the Llama 4 Maverick model have?",
          tools,
          stream: false,
          include: ["file_search_call.results"],
        }),
      unreplayable,
    );

    // Verify the file_search_tool was called
    const call = fileSearchCallOf(response);
    expect(call.results?.length).toBeGreaterThan(0);
    expect(
      response.output_text.includes("128") || response.output_text.toLowerCase().includes("experts"),
    ).toBe(true);

    // Second response request using previous_response_id
    const response2 = await orSkipUnreplayable(
      () =>
        client.responses.create({
          model: textModel,
          input: "Can you tell me more about the architecture?",
          tools,
          stream: false,
          previous_response_id: response.id,
          include: ["file_search_call.results"],
        }),
      unreplayable,
    );

    // Verify the second response has output
    expect(response2.output.length).toBeGreaterThanOrEqual(1);
    expect(response2.output_text).toBeTruthy();

    // The second response should maintain context from the first
    const finalMessage = response2.output.filter((output) => output.type === "message");
    expect(finalMessage.length).toBeGreaterThanOrEqual(1);
    expect(finalMessage.at(-1)).toMatchObject({ role: "assistant", status: "completed" });
  });
}

python.parametrize(
  "test_response_non_streaming_mcp_tool",
  LIBRARY_CLIENT_ONLY,
  mcpToolTestCases,
  (testCase, declared) => {
    test(...declared, async ({ client, textModel, mcpServer }) => {
      const openServer = await mcpServer();
      const response = await client.responses.create({
        model: textModel,
        input: testCase.input,
        tools: setupMcpTools(testCase.tools, openServer),
        stream: false,
      });
      expectBoilingPointAnswer(response);

      const guardedServer = await mcpServer({ requiredAuthToken: "test-token" });
      const tools = setupMcpTools(testCase.tools, guardedServer);
      await expect(
        client.responses.create({ model: textModel, input: testCase.input, tools, stream: false }),
      ).rejects.toBeInstanceOf(AuthenticationError);

      for (const tool of tools) {
        if (tool.type === "mcp") tool.headers = { Authorization: "Bearer test-token" };
      }
      const authorized = await client.responses.create({
        model: textModel,
        input: testCase.input,
        tools,
        stream: false,
      });
      expect(authorized.output.length).toBeGreaterThanOrEqual(3);
    });
  },
);

python.parametrize(
  "test_response_sequential_mcp_tool",
  LIBRARY_CLIENT_ONLY,
  mcpToolTestCases,
  (testCase, declared) => {
    test(...declared, async ({ client, textModel, mcpServer }) => {
      const tools = setupMcpTools(testCase.tools, await mcpServer());
      const response = await client.responses.create({
        model: textModel,
        input: testCase.input,
        tools,
        stream: false,
      });
      expectBoilingPointAnswer(response);

      const response2 = await client.responses.create({
        model: textModel,
        input: testCase.input,
        tools,
        stream: false,
        previous_response_id: response.id,
      });
      expect(response2.output.length).toBeGreaterThanOrEqual(1);
      expect(lastMessageText(response2).toLowerCase()).toContain("boiling point");
    });
  },
);

// pytest's ids put `approve` first: True-boiling_point_tool, False-boiling_point_tool.
const approvalCases = [true, false].flatMap((approve) =>
  mcpToolTestCases.map((testCase) => ({
    ...testCase,
    id: `${approve ? "True" : "False"}-${testCase.id}`,
    approve,
  })),
);

python.parametrize(
  "test_response_mcp_tool_approval",
  LIBRARY_CLIENT_ONLY,
  approvalCases,
  (testCase, declared) => {
    test(...declared, async ({ client, textModel, mcpServer }) => {
      const tools = setupMcpTools(testCase.tools, await mcpServer());
      for (const tool of tools) if (tool.type === "mcp") tool.require_approval = "always";

      const response = await client.responses.create({
        model: textModel,
        input: testCase.input,
        tools,
        stream: false,
      });
      expect(response.output.length).toBeGreaterThanOrEqual(2);
      expectBoilingPointListing(response.output[0]);
      const approvalRequest = response.output[1];
      expect(approvalRequest?.type).toBe("mcp_approval_request");
      if (approvalRequest?.type !== "mcp_approval_request") return;
      expect(approvalRequest.name).toBe("get_boiling_point");
      expect(JSON.parse(approvalRequest.arguments)).toEqual(boilingPointArguments);

      // send approval response
      const answered = await client.responses.create({
        previous_response_id: response.id,
        model: textModel,
        input: [
          {
            type: "mcp_approval_response",
            approval_request_id: approvalRequest.id,
            approve: testCase.approve,
          },
        ],
        tools,
        stream: false,
      });

      if (testCase.approve) {
        expectBoilingPointAnswer(answered);
      } else {
        expect(answered.output.length).toBeGreaterThanOrEqual(1);
        for (const output of answered.output) expect(output.type).not.toBe("mcp_call");
      }
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

const dependencyToolNames = new Set([
  "get_user_id",
  "get_user_permissions",
  "check_file_access",
  "get_experiment_id",
  "get_experiment_results",
]);

/** Python's checks of a multi-turn MCP run's final response. */
function expectMultiTurnToolExecution(response: Response, expected: string): void {
  const mcpListTools = response.output.filter((output) => output.type === "mcp_list_tools");
  const mcpCalls = response.output.filter((output) => output.type === "mcp_call");
  const messageOutputs = response.output.filter((output) => output.type === "message");

  // Should have exactly 1 MCP list tools message (at the beginning)
  expect(mcpListTools.length, `Expected exactly 1 mcp_list_tools, got ${mcpListTools.length}`).toBe(1);
  expect(mcpListTools[0]?.server_label).toBe("localmcp");
  expect(mcpListTools[0]?.tools).toHaveLength(5);
  expect(new Set(mcpListTools[0]?.tools.map((tool) => tool.name))).toEqual(dependencyToolNames);

  expect(mcpCalls.length, `Expected at least 1 mcp_call, got ${mcpCalls.length}`).toBeGreaterThanOrEqual(1);
  for (const mcpCall of mcpCalls) {
    expect(mcpCall.error ?? null, `MCP call should not have errors, got: ${mcpCall.error}`).toBeNull();
  }

  expect(messageOutputs.length, "Expected at least 1 message output").toBeGreaterThanOrEqual(1);
  const finalMessage = messageOutputs.at(-1);
  expect(finalMessage?.role, "Final message should be from assistant").toBe("assistant");
  expect(finalMessage?.status, "Final message should be completed").toBe("completed");
  expect(finalMessage?.content.length, "Final message should have content").toBeGreaterThan(0);

  const outputText = outputTextOf(response);
  expect(outputText.toLowerCase(), `Expected '${expected}' to appear in response: ${outputText}`).toContain(
    expected.toLowerCase(),
  );
}

python.parametrize(
  "test_response_non_streaming_multi_turn_tool_execution",
  LIBRARY_CLIENT_ONLY,
  multiTurnToolExecutionTestCases,
  (testCase, declared) => {
    test(...declared, async ({ client, textModel, mcpServer }) => {
      const tools = setupMcpTools(testCase.tools, await mcpServer({ tools: DEPENDENCY_TOOLS }));
      const response = await client.responses.create({ input: testCase.input, model: textModel, tools });
      expectMultiTurnToolExecution(response, testCase.expected);
    });
  },
);

python.parametrize(
  "test_response_streaming_multi_turn_tool_execution",
  LIBRARY_CLIENT_ONLY,
  multiTurnToolExecutionStreamingTestCases,
  (testCase, declared) => {
    test(...declared, async ({ client, textModel, mcpServer }) => {
      const tools = setupMcpTools(testCase.tools, await mcpServer({ tools: DEPENDENCY_TOOLS }));
      const chunks = await collectEvents(
        await client.responses.create({ input: testCase.input, model: textModel, tools, stream: true }),
      );

      // Use validator for common streaming checks
      const validator = new StreamingValidator(chunks);
      validator.assertBasicEventSequence();
      validator.assertResponseConsistency();
      validator.assertHasToolCalls();
      validator.assertHasMcpEvents();
      validator.assertRichStreaming();

      // Get the final response from the last chunk
      const finalChunk = chunks.at(-1);
      if (finalChunk && "response" in finalChunk) {
        expectMultiTurnToolExecution(finalChunk.response, testCase.expected);
      }
    });
  },
);
