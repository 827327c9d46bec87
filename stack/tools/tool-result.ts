/**
 * A tool invocation's result in Llama Stack's format (`ToolInvocationResult`), which is
 * what a tool recording holds: `content` (a string, or a list of text and image items),
 * `error_message`, `error_code` and `metadata`. Recorded, it is wrapped as the Python
 * object Llama Stack serializes (`{__type__, __data__}`), so that its own recorder
 * replays ours as ours replays its.
 */
import type { ToolResultContent } from "../responses/chat-messages.ts";

export const TOOL_INVOCATION_RESULT_TYPE = "llama_stack.apis.tools.tools.ToolInvocationResult";

type ContentItem =
  | { type: "text"; text: string }
  | { type: "image"; image: { url?: { uri: string }; data?: string } };

export interface ToolInvocationResult {
  content: string | ContentItem[] | null;
  error_message: string | null;
  error_code: number | null;
  metadata: Record<string, unknown> | null;
}

export interface TypedToolInvocationResult {
  __type__: typeof TOOL_INVOCATION_RESULT_TYPE;
  __data__: ToolInvocationResult;
}

export function toolInvocationResult(content: ToolInvocationResult["content"]): TypedToolInvocationResult {
  return {
    __type__: TOOL_INVOCATION_RESULT_TYPE,
    __data__: { content, error_message: null, error_code: null, metadata: null },
  };
}

/** The result, whether the invoker handed back the recorded wrapper or its data. */
export function unwrapToolResult(
  value: TypedToolInvocationResult | ToolInvocationResult,
): ToolInvocationResult {
  return "__data__" in value ? value.__data__ : value;
}

/** Whether the tool reported an error of its own, as Llama Stack tells it. */
export function isErrorResult(result: ToolInvocationResult): boolean {
  return (result.error_code ?? 0) > 0 || Boolean(result.error_message);
}

/** What the model reads for a result, as Llama Stack builds the tool message; undefined when there is no content. */
export function resultContent(result: ToolInvocationResult): ToolResultContent | undefined {
  const { content } = result;
  if (!content || content.length === 0) return undefined;
  if (typeof content === "string") return content;
  return content.map((item) => {
    if (item.type === "text") return { type: "text", text: item.text };
    const url = item.image.data ? `data:image;base64,${item.image.data}` : (item.image.url?.uri ?? "");
    return { type: "image_url", image_url: { url } };
  });
}
