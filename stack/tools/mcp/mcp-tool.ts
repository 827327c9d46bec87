/**
 * The `mcp` built-in, as Llama Stack 0.2 runs it: the server's tools are listed before the
 * first inference (an `mcp_list_tools` item) and offered to the model as chat tools made
 * from their definitions; `allowed_tools` narrows them; each call goes to the server and
 * becomes an `mcp_call` item, its result the model's next tool message (the content
 * parts, as Llama Stack sends them). A continuation (`previous_response_id`) with the same
 * server reuses the listing instead of asking the server again, as OGX does.
 *
 * Approvals: `require_approval` is "never" unless said (Llama Stack's default); a call that
 * needs one ends the response with an `mcp_approval_request`. The next request answers it
 * with an `mcp_approval_response`; the model is asked again, and the call it makes with
 * the same name and arguments runs (approved) or ends the response (denied).
 */
import type { ResponseItem } from "openai/resources/responses/responses";
import { z } from "zod";
import { StackError } from "../../errors.ts";
import type { StoredInputItem } from "../../responses/items.ts";
import type { ResponseObject } from "../../responses/types.ts";
import { definitionToChatTool } from "../chat-tool.ts";
import { type ContentItem, resultContent } from "../tool-result.ts";
import type {
  BuiltinCall,
  BuiltinTool,
  CallContext,
  CallGate,
  CallOutcome,
  ItemPosition,
  PrepareContext,
  ToolCallRequest,
} from "../types.ts";
import {
  callMcpTool,
  listMcpTools,
  type McpCallResult,
  McpConnectionError,
  type McpEndpoint,
} from "./client.ts";

const toolNames = z.union([
  z.array(z.string()),
  z.looseObject({ tool_names: z.array(z.string()).nullish() }),
]);

const config = z.looseObject({
  type: z.literal("mcp"),
  server_label: z.string().min(1),
  server_url: z.url(),
  headers: z.record(z.string(), z.string()).nullish(),
  authorization: z.string().nullish(),
  require_approval: z
    .union([
      z.enum(["always", "never"]),
      z.looseObject({ always: toolNames.nullish(), never: toolNames.nullish() }),
    ])
    .nullish(),
  allowed_tools: toolNames.nullish(),
  server_description: z.string().nullish(),
});
export type McpToolConfig = z.infer<typeof config>;

export interface McpOptions {
  /** The network, for MCP traffic (never a recorder): `globalThis.fetch` by default. */
  fetch?: McpEndpoint["fetch"];
  /** The deadline for listing a server's tools, or for one call (default 30 s). */
  timeoutMs?: number;
}

type ListedTool = ResponseItem.McpListTools.Tool;

export function createMcpTool(options: McpOptions = {}): BuiltinTool<McpToolConfig> {
  return {
    types: ["mcp"],
    schema: config,
    prepare: async (tool, context) => {
      const endpoint = (signal?: AbortSignal): McpEndpoint => ({
        url: tool.server_url,
        headers: headersOf(tool),
        fetch: options.fetch,
        timeoutMs: options.timeoutMs ?? 30_000,
        signal,
      });
      const tools =
        reusedListing(tool, context.previous) ?? (await listTools(tool, endpoint(context.signal)));
      const names = new Set(tools.map((listed) => listed.name));
      const listItem: ResponseItem.McpListTools = {
        id: context.ids.mint("mcp_list_tools", "mcpl_"),
        type: "mcp_list_tools",
        server_label: tool.server_label,
        tools,
      };
      const approvals = approvalsIn(context);
      return {
        chatTools: tools.map((listed) =>
          definitionToChatTool(
            listed.name,
            listed.description,
            listed.input_schema as Record<string, unknown>,
          ),
        ),
        preamble: [listing(listItem)],
        handles: (name) => names.has(name),
        gate: (call) => gate(tool, call, approvals, context),
        start: (call, callContext) => startCall(tool, call, callContext, endpoint(callContext.signal)),
      };
    },
  };
}

function headersOf(tool: McpToolConfig): Record<string, string> {
  const headers = { ...(tool.headers ?? {}) };
  const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === "authorization");
  if (tool.authorization && !hasAuthorization) headers.Authorization = `Bearer ${tool.authorization}`;
  return headers;
}

function allowedNames(filter: McpToolConfig["allowed_tools"]): string[] | undefined {
  if (!filter) return undefined;
  return Array.isArray(filter) ? filter : (filter.tool_names ?? undefined);
}

async function listTools(tool: McpToolConfig, endpoint: McpEndpoint): Promise<ListedTool[]> {
  let definitions: Awaited<ReturnType<typeof listMcpTools>>;
  try {
    definitions = await listMcpTools(endpoint);
  } catch (error) {
    if (!(error instanceof McpConnectionError)) throw error;
    const what = `Could not list the tools of MCP server '${tool.server_label}': ${error.message}`;
    if (error.kind === "unauthorized") {
      throw new StackError(401, `${what} Pass its credentials in the tool's 'headers' or 'authorization'.`, {
        param: "tools",
        code: "mcp_unauthorized",
      });
    }
    // OpenAI's status for a dependency that failed.
    throw new StackError(424, what, { param: "tools", code: "mcp_server_error" });
  }
  const allowed = allowedNames(tool.allowed_tools);
  return definitions
    .filter((definition) => !allowed || allowed.includes(definition.name))
    .map((definition) => ({
      name: definition.name,
      description: definition.description ?? null,
      input_schema: definition.inputSchema ?? { type: "object", properties: {}, required: [] },
      ...(definition.annotations ? { annotations: definition.annotations } : {}),
    }));
}

/** The listing of the same server in the response this one continues, if it can stand. */
function reusedListing(tool: McpToolConfig, previous: ResponseObject | undefined): ListedTool[] | undefined {
  if (!previous) return undefined;
  const same = previous.tools.some(
    (earlier) =>
      earlier.type === "mcp" &&
      earlier.server_label === tool.server_label &&
      earlier.server_url === tool.server_url &&
      JSON.stringify(earlier.allowed_tools ?? null) === JSON.stringify(tool.allowed_tools ?? null),
  );
  if (!same) return undefined;
  const listing = previous.output.find(
    (item): item is ResponseItem.McpListTools =>
      item.type === "mcp_list_tools" && item.server_label === tool.server_label,
  );
  return listing?.tools;
}

/** The `mcp_list_tools` item, its tools known already: added, in progress, completed, done. */
function listing(item: ResponseItem.McpListTools): BuiltinCall {
  return {
    item: { ...item, tools: [] },
    startEvents: (at) => [{ type: "response.mcp_list_tools.in_progress", ...at }],
    run: async () => ({ item, events: (at) => [{ type: "response.mcp_list_tools.completed", ...at }] }),
  };
}

interface Approvals {
  requests: ResponseItem.McpApprovalRequest[];
  responses: Map<string, ResponseItem.McpApprovalResponse>;
}

/** Approval requests of the earlier response and of this input, and this input's answers to them. */
function approvalsIn(context: PrepareContext): Approvals {
  const items: Array<StoredInputItem | ResponseObject["output"][number]> = [
    ...(context.previous?.output ?? []),
    ...context.input,
  ];
  return {
    requests: items.filter(
      (item): item is ResponseItem.McpApprovalRequest => item.type === "mcp_approval_request",
    ),
    responses: new Map(
      context.input
        .filter((item): item is ResponseItem.McpApprovalResponse => item.type === "mcp_approval_response")
        .map((item) => [item.approval_request_id, item]),
    ),
  };
}

function approvalRequired(tool: McpToolConfig, name: string): boolean {
  const policy = tool.require_approval ?? "never";
  if (policy === "always") return true;
  if (policy === "never") return false;
  if (filterNames(policy.always).includes(name)) return true;
  if (filterNames(policy.never).includes(name)) return false;
  return true;
}

function filterNames(filter: z.infer<typeof toolNames> | null | undefined): string[] {
  if (!filter) return [];
  return Array.isArray(filter) ? filter : (filter.tool_names ?? []);
}

function gate(
  tool: McpToolConfig,
  call: ToolCallRequest,
  approvals: Approvals,
  context: PrepareContext,
): CallGate {
  if (!approvalRequired(tool, call.name)) return { kind: "run" };
  // As Llama Stack matches them: an earlier request for the same tool with the same arguments.
  const request = approvals.requests.find(
    (candidate) => candidate.name === call.name && candidate.arguments === call.arguments,
  );
  const answer = request && approvals.responses.get(request.id);
  if (answer) return answer.approve ? { kind: "run" } : { kind: "deny" };
  return {
    kind: "ask",
    item: {
      id: context.ids.mint("mcp_approval_request", "mcpr_"),
      type: "mcp_approval_request",
      name: call.name,
      arguments: call.arguments,
      server_label: tool.server_label,
    },
  };
}

function startCall(
  tool: McpToolConfig,
  call: ToolCallRequest,
  context: CallContext,
  endpoint: McpEndpoint,
): BuiltinCall {
  const item: ResponseItem.McpCall = {
    id: context.ids.mint("mcp_call", "mcp_"),
    type: "mcp_call",
    name: call.name,
    arguments: call.arguments,
    server_label: tool.server_label,
    status: "in_progress",
  };
  const finished = (
    outcome: { output: string } | { error: string },
    result: CallOutcome["result"],
  ): CallOutcome => {
    const failed = "error" in outcome;
    return {
      item: {
        ...item,
        status: failed ? "failed" : "completed",
        output: failed ? null : outcome.output,
        error: failed ? outcome.error : null,
      },
      events: (at: ItemPosition) => [
        { type: failed ? "response.mcp_call.failed" : "response.mcp_call.completed", ...at },
      ],
      result,
    };
  };
  return {
    item,
    startEvents: (at) => [
      { type: "response.mcp_call_arguments.delta", ...at, delta: call.arguments },
      { type: "response.mcp_call_arguments.done", ...at, arguments: call.arguments },
      { type: "response.mcp_call.in_progress", ...at },
    ],
    run: async () => {
      const args = parseArguments(call.arguments);
      if (!args) {
        const error = `The arguments of '${call.name}' are not a JSON object: ${call.arguments}`;
        return finished({ error }, error);
      }
      let result: McpCallResult;
      try {
        result = await callMcpTool(endpoint, call.name, args);
      } catch (error) {
        if (!(error instanceof McpConnectionError)) throw error;
        return finished({ error: error.message }, error.message);
      }
      // Text and images, as Llama Stack keeps them; embedded resources it passes over.
      const parts = result.content.flatMap((part): ContentItem[] =>
        part.type === "text" && "text" in part
          ? [{ type: "text", text: part.text }]
          : part.type === "image" && "data" in part
            ? [{ type: "image", image: { data: part.data } }]
            : [],
      );
      const content = resultContent({
        content: parts,
        error_message: null,
        error_code: null,
        metadata: null,
      });
      const text = result.content
        .flatMap((part) => (part.type === "text" && "text" in part ? [part.text] : []))
        .join(" ");
      if (result.isError) return finished({ error: text || "The tool failed without saying why." }, content);
      return finished({ output: text }, content);
    },
  };
}

function parseArguments(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text || "{}");
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
