/**
 * The stack as a `fetch`-style handler: this is library mode (hand it to the openai SDK
 * as its `fetch`, no socket), and the server mode serves the very same handler.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { StackError } from "./errors.ts";
import type { StackPorts } from "./ports.ts";
import { type ProviderConfig, ProviderRegistry } from "./providers/registry.ts";
import { createIds } from "./responses/ids.ts";
import type { ResponseDeps } from "./responses/orchestrator.ts";
import { openRetrieval } from "./retrieval.ts";
import { filesRoutes } from "./routes/files.ts";
import { healthRoutes, modelsRoutes } from "./routes/models.ts";
import { responsesRoutes } from "./routes/responses.ts";
import { vectorStoresRoutes } from "./routes/vector-stores.ts";
import { ResponseStore } from "./store/response-store.ts";
import { createFileSearchTool } from "./tools/file-search/file-search-tool.ts";
import { createMcpTool, type McpOptions } from "./tools/mcp/mcp-tool.ts";
import { ToolRegistry } from "./tools/registry.ts";
import type { BuiltinTool } from "./tools/types.ts";
import { createSearchProvider, type SearchProviderConfig } from "./tools/web-search/search-provider.ts";
import { createWebSearchTool } from "./tools/web-search/web-search-tool.ts";

export interface StackOptions {
  /** Everything from below: upstream fetch, ids, clock, tool invoker, test-id context. */
  ports: StackPorts;
  /** Inference providers; a model id's prefix picks one (`openai/gpt-4o` → `openai`). */
  providers: ProviderConfig[];
  /** SQLite file; by default a temporary one, removed by `close()`. Uploaded files go beside it. */
  dbPath?: string;
  /** The embedding model of vector stores created without `embedding_model`. */
  embeddingModel?: string;
  /** The largest file `POST /v1/files` accepts; 32 MiB by default. */
  maxFileBytes?: number;
  /** Where `web_search` searches (Tavily, or the scripted search); without it web_search is refused. */
  search?: SearchProviderConfig;
  /** How `mcp` tools reach their servers (the network by default) and how long they may take. */
  mcp?: McpOptions;
  /** Built-in tools besides the stack's own (a tool type given twice: the later one serves it). */
  tools?: BuiltinTool[];
  /** At most this many built-in tool calls of one model turn run at once (default 4). */
  toolConcurrency?: number;
  /** Request bodies above this many bytes are refused with a 413 (default 25 MB). */
  maxBodyBytes?: number;
  /**
   * Every POST must carry a test id (a stack that records per test): one without gets a
   * 400 saying how to send it, instead of a replay miss filed outside any test.
   */
  requireTestId?: boolean;
}

/** OpenAI's own limit for a request's body; larger ones are refused before they are read. */
export const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;

export interface Stack {
  /** The whole API as a fetch: `new OpenAI({ baseURL: "http://stack.local/v1", fetch: stack.fetch })`. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Where the responses are stored. */
  readonly dbPath: string;
  /** Resolves once every file ingestion started so far has finished. */
  idle(): Promise<void>;
  /** Stops ingestions in flight and closes the database (removing it if it was temporary). */
  close(): void;
}

const DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024;

export function createStack(options: StackOptions): Stack {
  const { ports } = options;
  const store = new ResponseStore(options.dbPath);
  const providers = new ProviderRegistry(options.providers, ports.fetch);
  const retrieval = openRetrieval({
    dbPath: store.path,
    ports,
    resolveProvider: (model) => providers.resolve(model),
    defaultEmbeddingModel: options.embeddingModel,
  });
  const deps: ResponseDeps = {
    ports,
    ids: createIds(ports),
    store,
    tools: new ToolRegistry([
      createWebSearchTool(options.search && createSearchProvider(options.search)),
      createMcpTool(options.mcp),
      createFileSearchTool(retrieval.vectorStores),
      ...(options.tools ?? []),
    ]),
    resolveProvider: (model) => providers.resolve(model),
    ...(options.toolConcurrency !== undefined ? { toolConcurrency: options.toolConcurrency } : {}),
  };

  const app = new Hono();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  app.use(
    "*",
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => c.json(bodyTooLarge(maxBodyBytes).toBody(), 413),
    }),
  );
  app.route("/v1", responsesRoutes(deps));
  app.route("/v1", modelsRoutes(providers));
  app.route(
    "/v1",
    filesRoutes({
      files: retrieval.files,
      ports,
      maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      beforeDelete: (fileId) => retrieval.vectorStores.forgetFile(fileId),
    }),
  );
  app.route("/v1", vectorStoresRoutes(retrieval.vectorStores));
  app.route("/", healthRoutes());
  app.notFound((c) => {
    const error = new StackError(404, `Invalid URL (${c.req.method} ${c.req.path})`);
    return c.json(error.toBody(), 404);
  });
  app.onError((error, c) => {
    if (error instanceof StackError) return c.json(error.toBody(), error.status);
    console.error("[stack] request failed:", error);
    return c.json(new StackError(500, `The stack failed: ${error.message}`).toBody(), 500);
  });

  return {
    fetch: async (input, init) => {
      const request = input instanceof Request && init === undefined ? input : new Request(input, init);
      try {
        return await ports.withRequestContext(request.headers, async () =>
          options.requireTestId && request.method === "POST" && ports.currentTestId() === undefined
            ? missingTestId()
            : app.fetch(request),
        );
      } catch (error) {
        // app.fetch answers every error of its own; what lands here is a context the
        // request's headers could not give (an unreadable test id), the caller's fault.
        const message = `The request's headers could not be read: ${error instanceof Error ? error.message : String(error)}`;
        return Response.json(new StackError(400, message, { code: "invalid_header" }).toBody(), {
          status: 400,
        });
      }
    },
    dbPath: store.path,
    idle: () => retrieval.vectorStores.idle(),
    close: () => {
      retrieval.close();
      store.close();
    },
  };
}

function missingTestId(): Response {
  const error = new StackError(
    400,
    "This stack records and replays per test, and the request carries no test id: send it in the X-Test-Id " +
      'header (or as {"__test_id": "<test id>"} in X-LlamaStack-Provider-Data or X-OGX-Provider-Data).',
    { code: "missing_test_id" },
  );
  return Response.json(error.toBody(), { status: 400 });
}

/** The 413 for a body over `maxBodyBytes`, in OpenAI's shape. */
export function bodyTooLarge(maxBodyBytes: number): StackError {
  return new StackError(
    413,
    `The request body is larger than ${formatBytes(maxBodyBytes)}, the most this stack accepts ` +
      "(its maxBodyBytes option, STACK_MAX_BODY_BYTES for the server).",
    { code: "request_too_large" },
  );
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${bytes} bytes`;
}
