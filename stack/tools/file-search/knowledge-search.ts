/**
 * What Llama Stack 0.2 puts in front of the model for `file_search`: a function tool
 * named `knowledge_search`, and, for each call, a search of every vector store of the
 * tool entry whose hits come back as the text parts Llama Stack writes (hit by hit, with
 * document id, score, attributes and a `<|file-id|>` citation marker, then the
 * instruction to cite). The model's next request carries that text, so it is written
 * here byte for byte as Llama Stack writes it (`tool_executor.py`).
 */
import { StackError } from "../../errors.ts";
import type { SearchHit } from "../../vector-stores/objects.ts";
import { pythonFloatText, pythonRepr } from "../../vector-stores/python-repr.ts";
import type { SearchBody } from "../../vector-stores/schemas.ts";
import type { VectorStoreService } from "../../vector-stores/service.ts";

export const KNOWLEDGE_SEARCH = "knowledge_search";

/** Llama Stack's `knowledge_search` tool definition, which the model sees for `file_search`. */
export const KNOWLEDGE_SEARCH_DESCRIPTION = "Search for information in a database.";
export const KNOWLEDGE_SEARCH_SCHEMA = {
  type: "object",
  properties: {
    query: {
      type: "string",
      description: "The query to search for. Can be a natural language sentence or keywords.",
    },
  },
  required: ["query"],
};

export interface FileSearchConfig {
  vector_store_ids: string[];
  filters?: SearchBody["filters"];
  max_num_results?: number | undefined;
  ranking_options?: SearchBody["ranking_options"];
}

export interface KnowledgeSearchResult {
  hits: SearchHit[];
  /** The tool message's content parts, as Llama Stack writes them. */
  parts: Array<{ type: "text"; text: string }>;
  /** File id → filename, for the `file_citation` annotations of the answer. */
  citationFiles: Record<string, string>;
}

/**
 * Searches every store of the entry (at once) and writes the result. A store that does
 * not exist contributes nothing, as in Llama Stack; any other failure (the embeddings
 * call, a replay miss) rejects, so that it is not mistaken for an empty result.
 */
export async function knowledgeSearch(
  query: string,
  config: FileSearchConfig,
  vectorStores: VectorStoreService,
): Promise<KnowledgeSearchResult> {
  const pages = await Promise.all(
    config.vector_store_ids.map((storeId) =>
      vectorStores
        .search(storeId, {
          query,
          filters: config.filters ?? null,
          max_num_results: config.max_num_results ?? 10,
          ranking_options: config.ranking_options ?? null,
          rewrite_query: false,
        })
        .catch((error: unknown) => {
          if (error instanceof StackError && error.status === 404) return { data: [] as SearchHit[] };
          throw error;
        }),
    ),
  );
  const hits = pages.flatMap((page) => page.data);
  return { hits, parts: knowledgeSearchParts(query, hits), citationFiles: citationFiles(hits) };
}

/** The tool message's text parts for `hits`, exactly as Llama Stack writes them. */
export function knowledgeSearchParts(
  query: string,
  hits: readonly SearchHit[],
): Array<{ type: "text"; text: string }> {
  const texts = [
    `knowledge_search tool found ${hits.length} chunks:\nBEGIN of knowledge_search tool results.\n`,
  ];
  hits.forEach((hit, index) => {
    const fileId = hit.file_id || String(hit.attributes.document_id ?? "");
    let metadata = `document_id: ${fileId}, score: ${pythonFloatText(hit.score)}`;
    if (Object.keys(hit.attributes).length > 0) {
      // Llama Stack's search results type attributes `str | float | bool`: its ints print as floats.
      metadata += `, attributes: ${pythonRepr(hit.attributes, { numbersAsFloats: true })}`;
    }
    texts.push(`[${index + 1}] ${metadata} (cite as <|${fileId}|>)\n${hit.content[0]?.text ?? ""}\n`);
  });
  texts.push("END of knowledge_search tool results.\n");
  const citationInstruction =
    hits.length > 0
      ? " Cite sources immediately at the end of sentences before punctuation, using `<|file-id|>` format " +
        "(e.g., 'This is a fact <|file-Cn3MSNn72ENTiiq11Qda4A|>.'). Do not add extra punctuation. " +
        "Use only the file IDs provided (do not invent new ones)."
      : "";
  texts.push(
    `The above results were retrieved to help answer the user's query: "${query}". ` +
      `Use them as supporting information only in answering this query.${citationInstruction}\n`,
  );
  return texts.map((text) => ({ type: "text", text }));
}

function citationFiles(hits: readonly SearchHit[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const hit of hits) {
    const fileId = hit.file_id || String(hit.attributes.document_id ?? "");
    files[fileId] = hit.filename || String(hit.attributes.filename ?? "") || "unknown";
  }
  return files;
}
