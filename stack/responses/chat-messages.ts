/**
 * Chat messages in the exact shape Llama Stack 0.2's Responses implementation sends them
 * (its pydantic models dumped without the unset fields), because a recording's hash is
 * taken over these bytes:
 *
 * - a tool call keeps the `index` it streamed with: `{index, id, type, function}`;
 * - the assistant turn that called tools says `content: ""` (the text is dropped, as
 *   Llama Stack does), a turn without calls leaves `tool_calls` out;
 * - a `function_call` input item is an assistant message of its own, without `content`;
 * - a tool result is a string, or a list of text/image parts (MCP results).
 */
import type { ChatCompletionContentPart } from "openai/resources/chat/completions";

export interface ChatToolCall {
  index: number;
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type TextPart = { type: "text"; text: string };
export type ToolResultContent = string | Array<TextPart | { type: "image_url"; image_url: { url: string } }>;

export interface SystemMessage {
  role: "system";
  content: string | TextPart[];
}

export interface UserMessage {
  role: "user";
  content: string | ChatCompletionContentPart[];
}

export interface AssistantMessage {
  role: "assistant";
  content?: string | TextPart[];
  refusal?: string;
  tool_calls?: ChatToolCall[];
}

export interface ToolMessage {
  role: "tool";
  tool_call_id: string;
  content: ToolResultContent;
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export function toolCall(index: number, id: string, name: string, args: string): ChatToolCall {
  return { index, id, type: "function", function: { name, arguments: args } };
}

export function toolMessage(toolCallId: string, content: ToolResultContent): ToolMessage {
  return { role: "tool", tool_call_id: toolCallId, content };
}

/** Every tool call id the messages hold, so a `function_call_output` may answer an earlier turn. */
export function toolCallIds(messages: readonly ChatMessage[]): Set<string> {
  const ids = new Set<string>();
  for (const message of messages) {
    if (message.role === "assistant") for (const call of message.tool_calls ?? []) ids.add(call.id);
  }
  return ids;
}
