/** The response object, from its first in-progress snapshot to its terminal form. */
import type { FunctionTool, ResponseError, ResponseUsage, Tool } from "openai/resources/responses/responses";
import type { OutputItem } from "./items.ts";
import type { CreateResponseBody, FunctionToolParam } from "./request.ts";
import type { IncompleteReason, ResponseObject } from "./types.ts";

export function initialResponse(body: CreateResponseBody, id: string, createdAt: number): ResponseObject {
  return {
    id,
    object: "response",
    created_at: createdAt,
    status: "in_progress",
    background: false,
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? {},
    model: body.model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    store: body.store ?? true,
    temperature: body.temperature ?? null,
    text: {
      format: body.text?.format ?? { type: "text" },
      ...(body.text?.verbosity ? { verbosity: body.text.verbosity } : {}),
    },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools.map(echoTool),
    top_p: body.top_p ?? null,
    truncation: body.truncation ?? "disabled",
    ...(body.user !== undefined ? { user: body.user } : {}),
  };
}

function echoTool(tool: FunctionToolParam | { type: string }): Tool {
  if (!isFunction(tool)) {
    // Credentials for a tool's backend (an MCP server's) are the caller's; nothing hands them back.
    const { headers: _headers, authorization: _authorization, ...echoed } = tool as Record<string, unknown>;
    return echoed as unknown as Tool;
  }
  const echoed: FunctionTool = {
    type: "function",
    name: tool.name,
    parameters: tool.parameters ?? null,
    strict: tool.strict ?? null,
  };
  if (tool.description != null) echoed.description = tool.description;
  return echoed;
}

function isFunction(tool: { type: string }): tool is FunctionToolParam {
  return tool.type === "function";
}

export interface Outcome {
  output: OutputItem[];
  usage: ResponseUsage | undefined;
  incomplete: IncompleteReason | undefined;
}

/** Why a chat completion that ended with `finishReason` leaves the response incomplete, if it does. */
export function incompleteReason(
  finishReason: string | null,
): "max_output_tokens" | "content_filter" | undefined {
  if (finishReason === "length") return "max_output_tokens";
  if (finishReason === "content_filter") return "content_filter";
  return undefined;
}

export function finishedResponse(
  initial: ResponseObject,
  outcome: Outcome,
  completedAt: number,
): ResponseObject {
  const reason = outcome.incomplete;
  return {
    ...initial,
    status: reason ? "incomplete" : "completed",
    completed_at: reason ? null : completedAt,
    incomplete_details: reason ? { reason } : null,
    output: outcome.output,
    ...(outcome.usage ? { usage: outcome.usage } : {}),
  };
}

/** Token counts of several inference calls, added up. */
export function addUsage(
  total: ResponseUsage | undefined,
  turn: ResponseUsage | undefined,
): ResponseUsage | undefined {
  if (!total || !turn) return total ?? turn;
  return {
    input_tokens: total.input_tokens + turn.input_tokens,
    input_tokens_details: {
      cached_tokens: total.input_tokens_details.cached_tokens + turn.input_tokens_details.cached_tokens,
      cache_write_tokens:
        (total.input_tokens_details.cache_write_tokens ?? 0) +
        (turn.input_tokens_details.cache_write_tokens ?? 0),
    },
    output_tokens: total.output_tokens + turn.output_tokens,
    output_tokens_details: {
      reasoning_tokens:
        total.output_tokens_details.reasoning_tokens + turn.output_tokens_details.reasoning_tokens,
    },
    total_tokens: total.total_tokens + turn.total_tokens,
  };
}

export function failedResponse(
  initial: ResponseObject,
  output: OutputItem[],
  error: ResponseError,
): ResponseObject {
  return { ...initial, status: "failed", error, output };
}
