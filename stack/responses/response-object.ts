/** The response object, from its first in-progress snapshot to its terminal form. */
import type { FunctionTool, ResponseError, ResponseUsage, Tool } from "openai/resources/responses/responses";
import type { OutputItem } from "./items.ts";
import type { CreateResponseBody, FunctionToolParam } from "./request.ts";
import type { ResponseObject } from "./types.ts";

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
  if (!isFunction(tool)) return tool as Tool;
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
  finishReason: string | null;
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
  const reason = incompleteReason(outcome.finishReason);
  return {
    ...initial,
    status: reason ? "incomplete" : "completed",
    completed_at: reason ? null : completedAt,
    incomplete_details: reason ? { reason } : null,
    output: outcome.output,
    ...(outcome.usage ? { usage: outcome.usage } : {}),
  };
}

export function failedResponse(
  initial: ResponseObject,
  output: OutputItem[],
  error: ResponseError,
): ResponseObject {
  return { ...initial, status: "failed", error, output };
}
