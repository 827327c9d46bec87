/**
 * Server mode: the same fetch handler as library mode, served over HTTP on loopback.
 *
 *     tsx stack/server.ts [--port N] [--host H] [--db FILE] [--scripts-dir DIR]
 *
 * `--port` (or STACK_PORT) 0 picks a free port; `--max-body-bytes` (or STACK_MAX_BODY_BYTES)
 * bounds request bodies (25 MB by default). Once listening it prints one line,
 * `listening on http://127.0.0.1:PORT`, on stdout. SIGTERM or SIGINT stops accepting
 * connections, lets requests in flight finish, closes the database and exits 0.
 */

import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { serveFetch } from "../serve/fetch-server.ts";
import { bodyTooLarge, createStack, DEFAULT_MAX_BODY_BYTES, type Stack, type StackOptions } from "./app.ts";
import { providersFromEnv, searchFromEnv } from "./config.ts";
import { createPassthroughPorts } from "./passthrough-ports.ts";
import type { StackPorts } from "./ports.ts";
import type { ProviderConfig } from "./providers/registry.ts";
import type { SearchProviderConfig } from "./tools/web-search/search-provider.ts";

export interface StackServerOptions extends StackOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** How long `close()` lets requests in flight finish before cutting them off. */
  shutdownGraceMs?: number;
  /**
   * Answers some requests before the stack sees them (a test harness's control routes);
   * returning undefined passes the request on to the stack.
   */
  intercept?: (request: Request) => Promise<Response> | undefined;
}

export interface StackServer {
  readonly url: string;
  readonly port: number;
  readonly stack: Stack;
  /** Stops accepting, waits for requests in flight, then closes the stack. */
  close(): Promise<void>;
}

export async function startStackServer(options: StackServerOptions): Promise<StackServer> {
  const stack = createStack(options);
  const server = await serveFetch({
    fetch: (request) => options.intercept?.(request) ?? stack.fetch(request),
    port: options.port,
    host: options.host,
    shutdownGraceMs: options.shutdownGraceMs,
    refuseLargerThan: {
      bytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      body: bodyTooLarge(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES).toBody(),
    },
  }).catch((error: unknown) => {
    stack.close();
    throw error;
  });
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    stack,
    close: () => {
      closing ??= server.close().then(() => stack.close());
      return closing;
    },
  };
}

/** What a server process is made of; the default is the passthrough ports and providers from the environment. */
export interface ServerComposition {
  ports: StackPorts;
  providers: ProviderConfig[];
  /** Where `web_search` searches, with a fetch that is not the recording one. */
  search?: SearchProviderConfig | undefined;
  /** The embedding model of vector stores created without `embedding_model`. */
  embeddingModel?: string | undefined;
  intercept?: StackServerOptions["intercept"];
  /** Every POST must carry a test id (a server that records per test). */
  requireTestId?: boolean;
}

/**
 * Builds the server's parts from its configuration: a test harness plugs in its recorder
 * here, without the stack knowing of it.
 */
export type ComposeServer = (config: {
  scriptsDir: string | undefined;
  env: NodeJS.ProcessEnv;
}) => ServerComposition;

const passthrough: ComposeServer = ({ scriptsDir, env }) => {
  const ports = createPassthroughPorts({ scriptsDir });
  const search = searchFromEnv(env, scriptsDir);
  // The passthrough fetch records nothing: the search may use it, scripted.local included.
  return { ports, providers: providersFromEnv(env), search: search && { ...search, fetch: ports.fetch } };
};

export async function runServerProcess(
  argv: string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  compose: ComposeServer = passthrough,
): Promise<StackServer> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      db: { type: "string" },
      "scripts-dir": { type: "string" },
      "max-body-bytes": { type: "string" },
    },
  });
  const portText = values.port ?? env.STACK_PORT ?? "0";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, not '${portText}'.`);
  }
  const maxBodyText = values["max-body-bytes"] ?? env.STACK_MAX_BODY_BYTES;
  const maxBodyBytes = maxBodyText === undefined || maxBodyText === "" ? undefined : Number(maxBodyText);
  if (maxBodyBytes !== undefined && (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1)) {
    throw new Error(
      `--max-body-bytes (STACK_MAX_BODY_BYTES) must be a positive integer, not '${maxBodyText}'.`,
    );
  }
  const scriptsDir = values["scripts-dir"] ?? env.STACK_SCRIPTS_DIR;
  const { search, embeddingModel, ...composition } = compose({ scriptsDir, env });
  const server = await startStackServer({
    ...composition,
    ...(search ? { search } : {}),
    ...(embeddingModel ? { embeddingModel } : {}),
    port,
    host: values.host ?? env.STACK_HOST ?? "127.0.0.1",
    dbPath: values.db ?? env.STACK_DB_PATH,
    ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
  });
  process.stdout.write(`listening on ${server.url}\n`);
  const shutdown = () => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("[stack] shutdown failed:", error);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
  process.once("SIGHUP", shutdown);
  return server;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  runServerProcess().catch((error: unknown) => {
    console.error(`[stack] could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
