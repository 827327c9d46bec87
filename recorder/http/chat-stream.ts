/** A chat-completion stream's chunks, accumulated the way a client sees the message they build. */
import { unwrapTyped } from "./endpoints.ts";

export interface ChatStreamSummary {
  chunks: number;
  /** The text, or null when the model only called tools. */
  content: string | null;
  tool_calls: Array<{ id: string; name: string; arguments: string }>;
  finish_reason: string | null;
  usage?: unknown;
}

interface ChunkData {
  choices?: Array<{
    delta?: {
      content?: string | null;
      tool_calls?: Array<{
        index: number;
        id?: string | null;
        function?: { name?: string | null; arguments?: string | null } | null;
      }> | null;
    };
    finish_reason?: string | null;
  }>;
  usage?: unknown;
}

/** Takes recorded chunks (`{__type__, __data__}` or plain) or the SDK's chunk objects alike. */
export function accumulateChatStream(chunks: readonly unknown[]): ChatStreamSummary {
  const summary: ChatStreamSummary = {
    chunks: chunks.length,
    content: null,
    tool_calls: [],
    finish_reason: null,
  };
  for (const chunk of chunks) {
    const data = unwrapTyped(chunk) as ChunkData;
    const choice = data.choices?.[0];
    if (choice?.delta?.content) summary.content = (summary.content ?? "") + choice.delta.content;
    for (const call of choice?.delta?.tool_calls ?? []) {
      summary.tool_calls[call.index] ??= { id: "", name: "", arguments: "" };
      const entry = summary.tool_calls[call.index] as ChatStreamSummary["tool_calls"][number];
      entry.id ||= call.id ?? "";
      entry.name ||= call.function?.name ?? "";
      entry.arguments += call.function?.arguments ?? "";
    }
    summary.finish_reason = choice?.finish_reason ?? summary.finish_reason;
    if (data.usage) summary.usage = data.usage;
  }
  return summary;
}
