/**
 * Ported from Llama Stack's tests/integration/responses/helpers.py (f50ce11a3): a fresh
 * vector store, a fresh upload, waiting for a file to be attached, and the MCP test
 * server's URL put into a case's tools.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { expect } from "@playwright/test";
import type OpenAI from "openai";
import { toFile } from "openai";
import type { Tool } from "openai/resources/responses/responses";
import type { VectorStore } from "openai/resources/vector-stores/vector-stores";
import { SETUPS } from "../fixtures/catalog.ts";
import type { McpTestServer } from "../fixtures/mcp-server.ts";
import type { HarnessSettings } from "../fixtures/settings.ts";
import { type CaseTool, MCP_SERVER_URL_PLACEHOLDER, toolsOf } from "./fixtures/test-cases.ts";

/**
 * The embedding model and dimension the Python tests take as `embedding_model_id` and
 * `embedding_dimension`: the setup's, or none (the stack's default serves).
 */
export function embeddingOf(harness: HarnessSettings): { model?: string; dimension?: number } {
  const dimension = SETUPS[harness.setup]?.llamaStackIds?.embeddingDimension;
  return {
    ...(harness.embeddingModel ? { model: harness.embeddingModel } : {}),
    ...(dimension ? { dimension } : {}),
  };
}

/**
 * Create a new vector store, cleaning up any existing one with the same name. Llama
 * Stack's `embedding_model` and `embedding_dimension` go in the body as the OpenAI SDK's
 * extra_body sends them, when the setup names an embedding model; otherwise the stack's
 * default serves.
 */
export async function newVectorStore(
  client: OpenAI,
  name: string,
  embeddingModel: string | undefined,
  embeddingDimension: number | undefined,
): Promise<VectorStore> {
  for await (const vectorStore of client.vectorStores.list()) {
    if (vectorStore.name === name) await client.vectorStores.delete(vectorStore.id);
  }
  const extraBody = embeddingModel
    ? {
        embedding_model: embeddingModel,
        ...(embeddingDimension ? { embedding_dimension: embeddingDimension } : {}),
      }
    : {};
  return client.vectorStores.create({ name, ...extraBody } as OpenAI.VectorStoreCreateParams);
}

/** Upload a file, cleaning up any existing file with the same name. */
export async function uploadFile(client: OpenAI, name: string, filePath: string): Promise<OpenAI.FileObject> {
  for await (const file of client.files.list()) {
    if (file.filename === name) await client.files.delete(file.id);
  }
  return client.files.create({
    file: await toFile(await readFile(filePath), basename(filePath)),
    purpose: "assistants",
  });
}

/** Wait for a file to be attached to a vector store. */
export async function waitForFileAttachment(
  client: OpenAI,
  vectorStoreId: string,
  fileId: string,
): Promise<OpenAI.VectorStores.VectorStoreFile> {
  let attached = await client.vectorStores.files.retrieve(fileId, { vector_store_id: vectorStoreId });
  while (attached.status === "in_progress") {
    await new Promise((resolve) => setTimeout(resolve, 100));
    attached = await client.vectorStores.files.retrieve(fileId, { vector_store_id: vectorStoreId });
  }
  expect(attached.status, `Expected file to be attached, got ${JSON.stringify(attached)}`).toBe("completed");
  expect(attached.last_error).toBeFalsy();
  return attached;
}

/** Replace placeholder MCP server URLs with the test server's (its SSE endpoint, as Llama Stack's tests use). */
export function setupMcpTools(tools: CaseTool[] | undefined, server: McpTestServer): Tool[] {
  return toolsOf(
    structuredClone(tools ?? []).map((tool) =>
      tool.type === "mcp" && tool.server_url === MCP_SERVER_URL_PLACEHOLDER
        ? { ...tool, server_url: server.sseUrl }
        : tool,
    ),
  );
}
