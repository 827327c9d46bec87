/**
 * Responses input → chat messages, the way Llama Stack 0.2 converts them
 * (`convert_response_input_to_chat_messages`), so that a conversation continued with
 * `previous_response_id` or given in full reaches the model as the same bytes:
 *
 * - content keeps its form: a string stays a string, a list of parts stays a list;
 * - each `function_call` is an assistant message of its own (`index: 0`), followed by
 *   its `function_call_output`; an output answering a call of an earlier turn goes last;
 * - an `mcp_call` fed back is its call and its result; MCP listings and approval items
 *   are the stack's business and reach no model;
 * - with earlier messages, a user message repeating the last user message is dropped
 *   (clients that resend the question along with a function's output).
 */
import type { ChatCompletionContentPart } from "openai/resources/chat/completions";
import { invalidParameter } from "../errors.ts";
import {
  type ChatMessage,
  type TextPart,
  type ToolResultContent,
  toolCall,
  toolCallIds,
  toolMessage,
} from "./chat-messages.ts";

type Part = {
  type: string;
  text?: string;
  refusal?: string;
  image_url?: string | null;
  file_id?: string | null;
  detail?: string;
};
type Content = string | readonly Part[];

/** The input items this conversion reads, whether fresh from a request or stored. */
export type ConvertibleItem =
  | { type: "message"; role: string; content: Content }
  | { type: "function_call"; call_id: string; name: string; arguments: string }
  | { type: "function_call_output"; call_id: string; output: Content }
  | {
      type: "mcp_call";
      id: string;
      name: string;
      arguments: string;
      output?: string | null;
      error?: string | null;
    }
  | { type: string };

export function inputToMessages(
  input: string | readonly ConvertibleItem[],
  previous: readonly ChatMessage[] = [],
): ChatMessage[] {
  if (typeof input === "string") return [{ role: "user", content: input }];
  const outputs = new Map<string, ChatMessage>();
  for (const item of input) {
    if (isItem(item, "function_call_output")) {
      outputs.set(item.call_id, toolMessage(item.call_id, toolResult(item.output)));
    }
  }
  const lastUser = previous.findLast((message) => message.role === "user");
  const messages: ChatMessage[] = [];
  for (const [index, item] of input.entries()) {
    if (isItem(item, "function_call")) {
      messages.push({
        role: "assistant",
        tool_calls: [toolCall(0, item.call_id, item.name, item.arguments)],
      });
      const output = outputs.get(item.call_id);
      if (output) {
        messages.push(output);
        outputs.delete(item.call_id);
      }
    } else if (isItem(item, "mcp_call")) {
      messages.push({ role: "assistant", tool_calls: [toolCall(0, item.id, item.name, item.arguments)] });
      messages.push(toolMessage(item.id, item.output ?? item.error ?? ""));
    } else if (isItem(item, "message")) {
      const message = fromMessage(item, `input[${index}]`);
      // The same question again, sent along with a function's output: the model has it already.
      if (message.role === "user" && lastUser && sameContent(lastUser.content, message.content)) continue;
      messages.push(message);
    }
  }
  if (outputs.size > 0) {
    const earlier = toolCallIds(previous);
    for (const [callId, output] of outputs) {
      if (!earlier.has(callId)) {
        throw invalidParameter(
          "input",
          `No tool call found for function call output with call_id '${callId}'.`,
        );
      }
      messages.push(output);
    }
  }
  return messages;
}

function isItem<T extends ConvertibleItem["type"]>(
  item: ConvertibleItem,
  type: T,
): item is Extract<ConvertibleItem, { type: T }> {
  return item.type === type;
}

function fromMessage(item: { role: string; content: Content }, param: string): ChatMessage {
  switch (item.role) {
    case "user":
      return { role: "user", content: userContent(item.content, param) };
    case "assistant": {
      if (typeof item.content === "string") return { role: "assistant", content: item.content };
      const refusal = item.content.flatMap((part) => (part.type === "refusal" ? [part.refusal ?? ""] : []));
      const texts = item.content.filter((part) => part.type !== "refusal");
      return {
        role: "assistant",
        content: textParts(texts, param),
        ...(refusal.length ? { refusal: refusal.join("") } : {}),
      };
    }
    default:
      // `developer` is OpenAI's newer name for `system`; most other servers only know `system`.
      return {
        role: "system",
        content: typeof item.content === "string" ? item.content : textParts(item.content, param),
      };
  }
}

function userContent(content: Content, param: string): string | ChatCompletionContentPart[] {
  if (typeof content === "string") return content;
  return content.map((part): ChatCompletionContentPart => {
    switch (part.type) {
      case "input_text":
      case "output_text":
        return { type: "text", text: part.text ?? "" };
      case "input_image": {
        if (!part.image_url) {
          throw invalidParameter(
            param,
            "Images given by file_id are not supported by this stack yet; use image_url.",
          );
        }
        const detail = part.detail === "original" ? undefined : part.detail;
        return {
          type: "image_url",
          image_url: { url: part.image_url, ...(detail ? { detail } : {}) },
        } as ChatCompletionContentPart;
      }
      default:
        throw invalidParameter(param, `Content of type '${part.type}' is not supported by this stack yet.`);
    }
  });
}

function textParts(parts: readonly Part[], param: string): TextPart[] {
  return parts.map((part) => {
    if ((part.type !== "input_text" && part.type !== "output_text") || typeof part.text !== "string") {
      throw invalidParameter(param, `Content of type '${part.type}' is only supported in user messages.`);
    }
    return { type: "text", text: part.text };
  });
}

function toolResult(output: Content): ToolResultContent {
  if (typeof output === "string") return output;
  const [only] = output;
  if (output.length === 1 && only?.type === "input_text") return only.text ?? "";
  return textParts(output, "input");
}

function sameContent(a: unknown, b: unknown): boolean {
  return (
    a === b || (typeof a === "object" && typeof b === "object" && JSON.stringify(a) === JSON.stringify(b))
  );
}
