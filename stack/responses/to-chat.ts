/**
 * One inference turn's chat-completions request, from the Responses request, the chat
 * messages so far and the request's chat tools. The shape follows what Llama Stack's
 * meta-reference sends (see ./chat-messages.ts and ./tool-set.ts), so that the same
 * interaction hashes to the same recording in both stacks.
 */
import type { ChatCompletionToolChoiceOption } from "openai/resources/chat/completions";
import type { ResponseFormatJSONObject, ResponseFormatJSONSchema } from "openai/resources/shared";
import type { ChatTool } from "../tools/chat-tool.ts";
import type { ChatMessage } from "./chat-messages.ts";
import type { CreateResponseBody, TextFormatParam, ToolChoiceParam } from "./request.ts";

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: true;
  tools?: ChatTool[];
  tool_choice?: ChatCompletionToolChoiceOption;
  parallel_tool_calls?: boolean;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  response_format?: ResponseFormatJSONObject | ResponseFormatJSONSchema;
}

export function buildChatRequest(
  upstreamModel: string,
  body: CreateResponseBody,
  messages: ChatMessage[],
  tools: readonly ChatTool[],
): ChatRequest {
  const request: ChatRequest = {
    model: upstreamModel,
    messages: body.instructions ? [{ role: "system", content: body.instructions }, ...messages] : messages,
    stream: true,
  };
  if (tools.length > 0) {
    request.tools = [...tools];
    // Chat completions refuses these two without tools; the Responses API does not.
    if (body.tool_choice !== undefined) request.tool_choice = toChatToolChoice(body.tool_choice);
    if (body.parallel_tool_calls != null) request.parallel_tool_calls = body.parallel_tool_calls;
  }
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.top_p = body.top_p;
  // `max_tokens` rather than `max_completion_tokens`: Ollama and older vLLM only know the former.
  if (body.max_output_tokens != null) request.max_tokens = body.max_output_tokens;
  const format = toResponseFormat(body.text?.format);
  if (format) request.response_format = format;
  return request;
}

export function toChatToolChoice(choice: ToolChoiceParam): ChatCompletionToolChoiceOption {
  if (typeof choice === "string") return choice;
  if (choice.type === "function") return { type: "function", function: { name: choice.name } };
  return {
    type: "allowed_tools",
    allowed_tools: {
      mode: choice.mode,
      tools: choice.tools.map((tool) =>
        tool.type === "function" && typeof tool.name === "string"
          ? { type: "function", function: { name: tool.name } }
          : tool,
      ),
    },
  };
}

function toResponseFormat(
  format: TextFormatParam | undefined,
): ResponseFormatJSONObject | ResponseFormatJSONSchema | undefined {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  // Llama Stack (0.2 and OGX 0.8) passes the schema's name and schema on, no description or
  // `strict`; the response still echoes the format as given.
  return { type: "json_schema", json_schema: { name: format.name, schema: format.schema } };
}
