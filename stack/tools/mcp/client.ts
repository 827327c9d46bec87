/**
 * The stack as an MCP client (@modelcontextprotocol/sdk), as Llama Stack's
 * `providers/utils/tools/mcp.py` is one: a session per operation, Streamable HTTP first,
 * falling back to SSE (Llama Stack's test servers serve only `/sse`), the protocol that
 * worked remembered per URL. Every operation has a deadline, so a server that hangs is an
 * error, never a stuck response; a 401 is told apart, since it is the caller's to fix.
 *
 * MCP traffic is the test's own, local: it goes through the fetch given here (the network
 * by default), never through a recorder.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { UpstreamFetch } from "../../ports.ts";

/** The MCP SDK, loaded on the first MCP call: most processes (each Playwright worker) never make one. */
async function mcpSdk() {
  const [{ Client }, { SSEClientTransport }, { StreamableHTTPClientTransport }] = await Promise.all([
    import("@modelcontextprotocol/sdk/client/index.js"),
    import("@modelcontextprotocol/sdk/client/sse.js"),
    import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
  ]);
  return { Client, SSEClientTransport, StreamableHTTPClientTransport };
}
type McpSdk = Awaited<ReturnType<typeof mcpSdk>>;

export interface McpEndpoint {
  url: string;
  /** Sent with every request: the tool's `headers`, and its `authorization` as a bearer token. */
  headers: Record<string, string>;
  fetch?: UpstreamFetch | undefined;
  /** The deadline for one whole operation: connecting, then listing or calling. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export type McpFailureKind = "unauthorized" | "unreachable" | "timeout" | "protocol";

export class McpConnectionError extends Error {
  readonly kind: McpFailureKind;
  constructor(kind: McpFailureKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "McpConnectionError";
    this.kind = kind;
  }
}

export interface McpToolDefinition {
  name: string;
  description?: string | undefined;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown> | undefined;
}

export type McpContent =
  | { type: "text"; text: string }
  | { type: "image"; data: string; mimeType: string }
  | { type: string };

export interface McpCallResult {
  content: McpContent[];
  isError: boolean;
}

type Protocol = "streamable-http" | "sse";
const workingProtocol = new Map<string, Protocol>();

export async function listMcpTools(endpoint: McpEndpoint): Promise<McpToolDefinition[]> {
  return withSession(endpoint, async (client, options) => {
    const tools: McpToolDefinition[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, options);
      tools.push(...(page.tools as McpToolDefinition[]));
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  });
}

export async function callMcpTool(
  endpoint: McpEndpoint,
  name: string,
  args: Record<string, unknown>,
): Promise<McpCallResult> {
  return withSession(endpoint, async (client, options) => {
    const result = await client.callTool({ name, arguments: args }, undefined, options);
    return { content: (result.content ?? []) as McpContent[], isError: result.isError === true };
  });
}

async function withSession<T>(
  endpoint: McpEndpoint,
  operation: (client: Client, options: { signal: AbortSignal; timeout: number }) => Promise<T>,
): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), endpoint.timeoutMs);
  const signal = endpoint.signal ? AbortSignal.any([endpoint.signal, deadline.signal]) : deadline.signal;
  const protocols: Protocol[] =
    workingProtocol.get(endpoint.url) === "sse" ? ["sse", "streamable-http"] : ["streamable-http", "sse"];
  try {
    const sdk = await mcpSdk();
    for (const [attempt, protocol] of protocols.entries()) {
      const seen = new Observed();
      const client = new sdk.Client({ name: "responses-stack", version: "0.1.0" });
      try {
        await client.connect(transportFor(sdk, protocol, endpoint, seen, signal), {
          signal,
          timeout: endpoint.timeoutMs,
        });
      } catch (error) {
        await client.close().catch(() => {});
        const failure = classify(error, seen, endpoint, deadline.signal.aborted);
        // Another protocol only helps a server that answered, but not to this one.
        const retry = failure instanceof McpConnectionError && failure.kind === "protocol";
        if (!retry || attempt === protocols.length - 1) throw failure;
        continue;
      }
      workingProtocol.set(endpoint.url, protocol);
      try {
        return await operation(client, { signal, timeout: endpoint.timeoutMs });
      } catch (error) {
        throw classify(error, seen, endpoint, deadline.signal.aborted);
      } finally {
        await client.close().catch(() => {});
      }
    }
    throw new McpConnectionError("protocol", `MCP server at ${endpoint.url}: no protocol to try.`);
  } finally {
    clearTimeout(timer);
  }
}

/** What the transport's HTTP did, which its errors do not always say. */
class Observed {
  status: number | undefined;
  networkError: unknown;
}

function transportFor(
  sdk: McpSdk,
  protocol: Protocol,
  endpoint: McpEndpoint,
  seen: Observed,
  signal: AbortSignal,
): Transport {
  const base = endpoint.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const fetch: UpstreamFetch = async (input, init) => {
    try {
      const response = await base(input, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
      });
      if (!response.ok) seen.status = response.status;
      return response;
    } catch (error) {
      seen.networkError ??= error;
      throw error;
    }
  };
  const url = new URL(endpoint.url);
  const requestInit = { headers: endpoint.headers };
  return protocol === "sse"
    ? new sdk.SSEClientTransport(url, { requestInit, fetch })
    : new sdk.StreamableHTTPClientTransport(url, { requestInit, fetch });
}

function classify(error: unknown, seen: Observed, endpoint: McpEndpoint, timedOut: boolean): Error {
  if (error instanceof McpConnectionError) return error;
  if (endpoint.signal?.aborted) return error instanceof Error ? error : new Error(String(error));
  const at = `MCP server at ${endpoint.url}`;
  if (seen.status === 401) {
    return new McpConnectionError("unauthorized", `${at} answered 401 Unauthorized.`, { cause: error });
  }
  if (timedOut) {
    return new McpConnectionError("timeout", `${at} did not answer within ${endpoint.timeoutMs} ms.`, {
      cause: error,
    });
  }
  if (seen.networkError !== undefined) {
    return new McpConnectionError(
      "unreachable",
      `${at} could not be reached: ${reason(seen.networkError)}.`,
      {
        cause: error,
      },
    );
  }
  const status = seen.status ? ` (HTTP ${seen.status})` : "";
  return new McpConnectionError("protocol", `${at} failed${status}: ${reason(error)}`, { cause: error });
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause && typeof cause.code === "string") return `${error.message} (${cause.code})`;
  return error.message;
}
