/**
 * The stack as a `fetch`-style handler: this is library mode (hand it to the openai SDK
 * as its `fetch`, no socket), and the server mode serves the very same handler.
 */
import { Hono } from "hono";
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
  /** Built-in tools besides the stack's own (a tool type given twice: the later one serves it). */
  tools?: BuiltinTool[];
  /** At most this many built-in tool calls of one model turn run at once (default 4). */
  toolConcurrency?: number;
}

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
      ...(options.tools ?? []),
    ]),
    resolveProvider: (model) => providers.resolve(model),
    ...(options.toolConcurrency !== undefined ? { toolConcurrency: options.toolConcurrency } : {}),
  };

  const app = new Hono();
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
        return await ports.withRequestContext(request.headers, async () => app.fetch(request));
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
