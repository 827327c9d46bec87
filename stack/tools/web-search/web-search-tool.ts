/**
 * The `web_search` built-in (and its `web_search_preview` and dated variants). The model
 * sees the function Llama Stack 0.2 presents for it; each call is searched through
 * `invokeTool(<provider>, "web_search", <the model's arguments>)`, so a recorder records
 * and replays it as Llama Stack's does, and becomes a `web_search_call` item with
 * OpenAI's events: `response.web_search_call.in_progress`, `.searching`, `.completed`.
 * A search that fails is a failed item, and the model is told why.
 */

import type { ResponseFunctionWebSearch } from "openai/resources/responses/responses";
import { z } from "zod";
import { invalidParameter } from "../../errors.ts";
import { definitionToChatTool } from "../chat-tool.ts";
import { isErrorResult, resultContent, unwrapToolResult } from "../tool-result.ts";
import type { BuiltinTool, CallContext, CallOutcome, ItemPosition, ToolCallRequest } from "../types.ts";
import { SearchFailure, type SearchProvider } from "./search-provider.ts";

export const WEB_SEARCH_TYPES = [
  "web_search",
  "web_search_preview",
  "web_search_preview_2025_03_11",
  "web_search_2025_08_26",
] as const;

const config = z.looseObject({
  type: z.enum(WEB_SEARCH_TYPES),
  // Accepted as OpenAI accepts them; the search provider has no use for them (nor has Llama Stack's).
  search_context_size: z.enum(["low", "medium", "high"]).nullish(),
  user_location: z.record(z.string(), z.unknown()).nullish(),
  filters: z.record(z.string(), z.unknown()).nullish(),
});

/** What Llama Stack's Tavily runtime says the tool is (its `list_runtime_tools`). */
const WEB_SEARCH_CHAT_TOOL = definitionToChatTool("web_search", "Search the web for information", {
  type: "object",
  properties: { query: { type: "string", description: "The query to search for" } },
  required: ["query"],
});

export function createWebSearchTool(
  provider: SearchProvider | undefined,
): BuiltinTool<z.infer<typeof config>> {
  return {
    types: WEB_SEARCH_TYPES,
    schema: config,
    prepare: async () => {
      if (!provider) {
        throw invalidParameter(
          "tools",
          "web_search needs a search provider, and this stack has none: start it with TAVILY_SEARCH_API_KEY set.",
          "unsupported_tool_type",
        );
      }
      return {
        chatTools: [WEB_SEARCH_CHAT_TOOL],
        preamble: [],
        handles: (name) => name === "web_search",
        start: (call, callContext) => startSearch(provider, call, callContext),
      };
    },
  };
}

function startSearch(provider: SearchProvider, call: ToolCallRequest, context: CallContext) {
  const kwargs = parseArguments(call.arguments);
  const query = typeof kwargs?.query === "string" ? kwargs.query : "";
  const item: ResponseFunctionWebSearch = {
    id: context.ids.mint("web_search_call", "ws_"),
    type: "web_search_call",
    status: "in_progress",
    action: { type: "search", query },
  };
  const outcome = (status: "completed" | "failed", result: CallOutcome["result"]): CallOutcome => ({
    item: { ...item, status },
    events: (at: ItemPosition) => [{ type: "response.web_search_call.completed", ...at }],
    result,
  });
  return {
    item,
    startEvents: (at: ItemPosition) => [
      { type: "response.web_search_call.in_progress" as const, ...at },
      { type: "response.web_search_call.searching" as const, ...at },
    ],
    run: async (): Promise<CallOutcome> => {
      if (!kwargs || !query) {
        return outcome(
          "failed",
          `web_search needs a 'query' string argument; it was called with ${call.arguments}.`,
        );
      }
      try {
        // The model's arguments are the invocation's kwargs, as in Llama Stack's recordings.
        const recorded = await context.ports.invokeTool(provider.id, "web_search", kwargs, () =>
          provider.search(query, context.signal),
        );
        const result = unwrapToolResult(recorded);
        const content = resultContent(result);
        const failed = isErrorResult(result);
        return outcome(
          failed ? "failed" : "completed",
          content ?? result.error_message ?? "Tool execution failed",
        );
      } catch (error) {
        if (!(error instanceof SearchFailure)) throw error;
        return outcome("failed", error.message);
      }
    },
  };
}

function parseArguments(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
