/**
 * Responses API request → chat-completions request. The shape follows what Llama Stack's
 * meta-reference sends (function tools dumped with `type` and `strict` inside `function`,
 * parameters left out when unset, a string for a single text part), so that the same
 * interaction hashes to the same recording in both stacks.
 */
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionContentPartText,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from "openai/resources/chat/completions";
import type { ResponseInputContent } from "openai/resources/responses/responses";
import type { ResponseFormatJSONObject, ResponseFormatJSONSchema } from "openai/resources/shared";
import { invalidParameter } from "../errors.ts";
import type { ToolRegistry } from "../tools/registry.ts";
import type { ConversationItem } from "./items.ts";
import type { CreateResponseBody, FunctionToolParam, TextFormatParam, ToolChoiceParam } from "./request.ts";

/** A function tool as Llama Stack dumps it: the Responses tool, `type` included, inside `function`. */
export interface ChatFunctionTool {
  type: "function";
  function: {
    type: "function";
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict: boolean | null;
  };
}

export interface ChatRequest {
  model: string;
  messages: ChatCompletionMessageParam[];
  stream: true;
  tools?: Array<ChatFunctionTool | ChatCompletionTool>;
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
  conversation: ConversationItem[],
  registry: ToolRegistry,
): ChatRequest {
  const request: ChatRequest = {
    model: upstreamModel,
    messages: toChatMessages(body.instructions, conversation),
    stream: true,
  };
  const tools = toChatTools(body.tools, registry);
  if (tools.length > 0) {
    request.tools = tools;
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

export function toChatMessages(
  instructions: string | null | undefined,
  items: ConversationItem[],
): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  if (instructions) messages.push({ role: "system", content: instructions });
  const callIds = new Set<string>();
  for (const item of items) {
    switch (item.type) {
      case "message":
        if (item.role === "assistant") {
          const text = item.content
            .flatMap((part) => (part.type === "output_text" ? [part.text] : []))
            .join("");
          const refusal = item.content
            .flatMap((part) => (part.type === "refusal" ? [part.refusal] : []))
            .join("");
          messages.push({ role: "assistant", content: text, ...(refusal ? { refusal } : {}) });
        } else if (item.role === "user") {
          messages.push({ role: "user", content: userContent(item.content) });
        } else {
          // `developer` is OpenAI's newer name for `system`; most other servers only know `system`.
          messages.push({ role: "system", content: textContent(item.content, "input") });
        }
        break;
      case "function_call": {
        callIds.add(item.call_id);
        const call = {
          id: item.call_id,
          type: "function" as const,
          function: { name: item.name, arguments: item.arguments },
        };
        // Parallel calls, and text said alongside them, are one assistant turn in chat completions.
        const last = messages.at(-1);
        if (last?.role === "assistant") {
          const assistant = last as ChatCompletionAssistantMessageParam;
          assistant.tool_calls = [...(assistant.tool_calls ?? []), call];
        } else {
          messages.push({ role: "assistant", tool_calls: [call] });
        }
        break;
      }
      case "function_call_output":
        if (!callIds.has(item.call_id)) {
          throw invalidParameter(
            "input",
            `No tool call found for function call output with call_id '${item.call_id}'.`,
          );
        }
        messages.push({
          role: "tool",
          tool_call_id: item.call_id,
          content: typeof item.output === "string" ? item.output : textContent(item.output, "input"),
        });
        break;
    }
  }
  return messages;
}

function userContent(parts: ResponseInputContent[]): string | ChatCompletionContentPart[] {
  const [only] = parts;
  if (parts.length === 1 && only?.type === "input_text") return only.text;
  return parts.map((part): ChatCompletionContentPart => {
    switch (part.type) {
      case "input_text":
        return { type: "text", text: part.text };
      case "input_image": {
        if (!part.image_url) {
          throw invalidParameter(
            "input",
            "Images given by file_id are not supported by this stack yet; use image_url.",
          );
        }
        const detail = part.detail === "original" ? undefined : part.detail;
        return { type: "image_url", image_url: { url: part.image_url, ...(detail ? { detail } : {}) } };
      }
      default:
        throw invalidParameter("input", `Content of type '${part.type}' is not supported by this stack yet.`);
    }
  });
}

function textContent(
  parts: ReadonlyArray<{ type: string }>,
  param: string,
): string | ChatCompletionContentPartText[] {
  const texts = parts.map((part) => {
    if (part.type !== "input_text" || !("text" in part) || typeof part.text !== "string") {
      throw invalidParameter(param, `Content of type '${part.type}' is only supported in user messages.`);
    }
    return part.text;
  });
  const [only] = texts;
  if (texts.length === 1 && only !== undefined) return only;
  return texts.map((text) => ({ type: "text", text }));
}

export function toChatTools(
  tools: CreateResponseBody["tools"],
  registry: ToolRegistry,
): Array<ChatFunctionTool | ChatCompletionTool> {
  return tools.flatMap((tool, index) =>
    isFunctionTool(tool)
      ? [functionToChat(tool)]
      : registry.require(tool.type, `tools[${index}].type`).toChatTools(tool),
  );
}

function isFunctionTool(tool: { type: string }): tool is FunctionToolParam {
  return tool.type === "function";
}

function functionToChat(tool: FunctionToolParam): ChatFunctionTool {
  return {
    type: "function",
    function: {
      type: "function",
      name: tool.name,
      ...(tool.description != null ? { description: tool.description } : {}),
      ...(tool.parameters != null ? { parameters: tool.parameters } : {}),
      strict: tool.strict ?? null,
    },
  };
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
