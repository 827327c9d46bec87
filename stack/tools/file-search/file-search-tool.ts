/**
 * The `file_search` built-in. The model sees Llama Stack 0.2's `knowledge_search`
 * function; each call searches the entry's vector stores (filters, max_num_results and
 * ranking_options applied per store, as Llama Stack does) and answers the model with
 * Llama Stack's result text. The output item is a `file_search_call` with OpenAI's
 * events (`response.file_search_call.in_progress`, `.searching`, `.completed`); its
 * `results` are filled only when the request includes `file_search_call.results`. The
 * files found may be cited: the answer's markers become `file_citation` annotations.
 */
import { APIConnectionError, APIError } from "openai";
import type { ResponseFileSearchToolCall } from "openai/resources/responses/responses";
import { z } from "zod";
import { filterSchema } from "../../vector-stores/filters.ts";
import type { VectorStoreService } from "../../vector-stores/service.ts";
import { parseArguments } from "../arguments.ts";
import { definitionToChatTool } from "../chat-tool.ts";
import type { BuiltinTool, CallContext, CallOutcome, ItemPosition, ToolCallRequest } from "../types.ts";
import {
  type FileSearchConfig,
  KNOWLEDGE_SEARCH,
  KNOWLEDGE_SEARCH_DESCRIPTION,
  KNOWLEDGE_SEARCH_SCHEMA,
  knowledgeSearch,
} from "./knowledge-search.ts";

export const INCLUDE_RESULTS = "file_search_call.results";

const config = z.looseObject({
  type: z.literal("file_search"),
  vector_store_ids: z.array(z.string().min(1)),
  filters: filterSchema.nullish(),
  max_num_results: z.number().int().min(1).max(50).nullish(),
  ranking_options: z
    .looseObject({ ranker: z.string().nullish(), score_threshold: z.number().min(0).nullish() })
    .nullish(),
});

const CHAT_TOOL = definitionToChatTool(
  KNOWLEDGE_SEARCH,
  KNOWLEDGE_SEARCH_DESCRIPTION,
  KNOWLEDGE_SEARCH_SCHEMA,
);

export function createFileSearchTool(vectorStores: VectorStoreService): BuiltinTool<z.infer<typeof config>> {
  return {
    types: ["file_search"],
    schema: config,
    prepare: async (tool, context) => {
      const search: FileSearchConfig = {
        vector_store_ids: tool.vector_store_ids,
        filters: tool.filters ?? null,
        max_num_results: tool.max_num_results ?? undefined,
        ranking_options: tool.ranking_options
          ? { score_threshold: tool.ranking_options.score_threshold ?? undefined }
          : null,
      };
      const includeResults = context.include?.includes(INCLUDE_RESULTS) ?? false;
      return {
        chatTools: [CHAT_TOOL],
        preamble: [],
        handles: (name) => name === KNOWLEDGE_SEARCH,
        start: (call, callContext) => startSearch(call, callContext, search, includeResults, vectorStores),
      };
    },
  };
}

function startSearch(
  call: ToolCallRequest,
  context: CallContext,
  search: FileSearchConfig,
  includeResults: boolean,
  vectorStores: VectorStoreService,
) {
  const query = queryOf(call.arguments);
  const item: ResponseFileSearchToolCall = {
    id: context.ids.mint("file_search_call", "fs_"),
    type: "file_search_call",
    queries: [query ?? ""],
    status: "in_progress",
    results: null,
  };
  const outcome = (
    status: "completed" | "failed",
    result: CallOutcome["result"],
    extra: Partial<ResponseFileSearchToolCall> = {},
  ): CallOutcome => ({
    item: { ...item, ...extra, status },
    // OpenAI has no failed event for file_search: a failed search completes, and its item says failed.
    events: (at: ItemPosition) => [{ type: "response.file_search_call.completed", ...at }],
    result,
  });
  return {
    item,
    startEvents: (at: ItemPosition) => [
      { type: "response.file_search_call.in_progress" as const, ...at },
      { type: "response.file_search_call.searching" as const, ...at },
    ],
    run: async (): Promise<CallOutcome> => {
      if (query === undefined) {
        return outcome(
          "failed",
          `knowledge_search needs a 'query' string argument; it was called with ${call.arguments}.`,
        );
      }
      try {
        const found = await knowledgeSearch(query, search, vectorStores);
        const results = found.hits.map((hit) => ({
          file_id: hit.file_id,
          filename: hit.filename,
          score: hit.score,
          text: hit.content[0]?.text ?? "",
          attributes: hit.attributes,
        }));
        return {
          ...outcome("completed", found.parts, includeResults ? { results } : {}),
          citations: found.citationFiles,
        };
      } catch (error) {
        // The embeddings provider answered with an error: the search failed, and the model is told.
        // A call that never got an answer (a replay miss, the network) is the stack's failure.
        if (error instanceof APIError && !(error instanceof APIConnectionError)) {
          return outcome("failed", `knowledge_search failed: ${error.message}`);
        }
        throw error;
      }
    },
  };
}

function queryOf(text: string): string | undefined {
  const query = parseArguments(text)?.query;
  return typeof query === "string" ? query : undefined;
}
