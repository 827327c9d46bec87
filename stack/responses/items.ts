/**
 * Input items as the API hands them back (`GET …/input_items`): every item gets an id
 * and a status, a string input becomes one user message, and message content is always
 * a list of parts. Output items of earlier responses have the same shapes, so a
 * conversation is simply a list of these.
 */
import type {
  ResponseFileSearchToolCall,
  ResponseFunctionToolCall,
  ResponseFunctionToolCallItem,
  ResponseFunctionToolCallOutputItem,
  ResponseFunctionWebSearch,
  ResponseInputContent,
  ResponseInputMessageItem,
  ResponseItem,
  ResponseOutputMessage,
  ResponseOutputRefusal,
  ResponseOutputText,
} from "openai/resources/responses/responses";
import { invalidParameter } from "../errors.ts";
import type { Ids } from "./ids.ts";
import type { ContentPart, InputItemParam } from "./request.ts";

/** The items a built-in tool adds to a response's output. */
export type BuiltinOutputItem =
  | ResponseFunctionWebSearch
  | ResponseFileSearchToolCall
  | ResponseItem.McpListTools
  | ResponseItem.McpCall
  | ResponseItem.McpApprovalRequest;

export type StoredInputItem =
  | ResponseInputMessageItem
  | ResponseOutputMessage
  | ResponseFunctionToolCallItem
  | ResponseFunctionToolCallOutputItem
  | ResponseItem.McpApprovalResponse
  | BuiltinOutputItem;

/** What the stack itself produces: assistant messages, the model's function calls, built-in tools' items. */
export type OutputItem =
  | ResponseOutputMessage
  | (ResponseFunctionToolCall & { id: string })
  | BuiltinOutputItem;

/** Everything a model may have seen: inputs of earlier turns, their outputs, new inputs. */
export type ConversationItem = StoredInputItem | OutputItem;

export function normalizeInput(input: string | InputItemParam[], ids: Ids): StoredInputItem[] {
  if (typeof input === "string") {
    return [
      {
        id: ids.message(),
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: input }],
        status: "completed",
      },
    ];
  }
  return input.map((item, index) => normalizeItem(item, index, ids));
}

function normalizeItem(item: InputItemParam, index: number, ids: Ids): StoredInputItem {
  switch (item.type) {
    case "message": {
      const parts =
        typeof item.content === "string"
          ? [{ type: "input_text", text: item.content } as const]
          : item.content;
      const id = item.id ?? ids.message();
      if (item.role === "assistant") {
        return {
          id,
          type: "message",
          role: "assistant",
          status: "completed",
          content: parts.map((part, partIndex) =>
            toOutputContent(part, `input[${index}].content[${partIndex}]`),
          ),
        };
      }
      return {
        id,
        type: "message",
        role: item.role,
        status: "completed",
        content: parts.map((part, partIndex) =>
          toInputContent(part, item.role, `input[${index}].content[${partIndex}]`),
        ),
      };
    }
    case "function_call":
      return {
        id: item.id ?? ids.functionCall(),
        type: "function_call",
        call_id: item.call_id,
        name: item.name,
        arguments: item.arguments,
        status: "completed",
      };
    case "function_call_output":
      return {
        id: item.id ?? ids.functionCallOutput(),
        type: "function_call_output",
        call_id: item.call_id,
        output:
          typeof item.output === "string"
            ? item.output
            : item.output.map((part) => (part.type === "input_image" ? imagePart(part) : part)),
        status: "completed",
      };
    case "mcp_approval_response":
      return {
        id: item.id ?? ids.mint("mcp_approval_response", "mcpa_"),
        type: "mcp_approval_response",
        approval_request_id: item.approval_request_id,
        approve: item.approve,
        ...(item.reason != null ? { reason: item.reason } : {}),
      };
    default:
      // A built-in tool's output item fed back: kept as given.
      return item as BuiltinOutputItem;
  }
}

function toOutputContent(part: ContentPart, param: string): ResponseOutputText | ResponseOutputRefusal {
  switch (part.type) {
    case "input_text":
    case "output_text":
      return { type: "output_text", text: part.text, annotations: [] };
    case "refusal":
      return part;
    case "input_image":
      throw invalidParameter(param, `Invalid '${param}': assistant messages cannot contain images.`);
  }
}

function toInputContent(part: ContentPart, role: string, param: string): ResponseInputContent {
  switch (part.type) {
    case "input_text":
    case "output_text":
      return { type: "input_text", text: part.text };
    case "input_image":
      if (role !== "user") {
        throw invalidParameter(param, `Invalid '${param}': only user messages can contain images.`);
      }
      return imagePart(part);
    case "refusal":
      throw invalidParameter(param, `Invalid '${param}': only assistant messages can contain a refusal.`);
  }
}

function imagePart(part: Extract<ContentPart, { type: "input_image" }>): ResponseInputContent {
  return {
    type: "input_image",
    detail: part.detail,
    ...(part.image_url ? { image_url: part.image_url } : {}),
    ...(part.file_id ? { file_id: part.file_id } : {}),
  };
}
