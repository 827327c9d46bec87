/** Stored rows in the OpenAI shapes the SDK's types describe. */

import type { VectorStoreFileBatch } from "openai/resources/vector-stores/file-batches";
import type { VectorStoreFile } from "openai/resources/vector-stores/files";
import type { VectorStore, VectorStoreSearchResponse } from "openai/resources/vector-stores/vector-stores";
import type { BatchRow, FileCounts, StoreFileRow, StoreRow } from "./store.ts";

const DAY = 24 * 60 * 60;

export function vectorStoreObject(row: StoreRow, counts: FileCounts, usageBytes: number): VectorStore {
  return {
    id: row.id,
    object: "vector_store",
    created_at: row.created_at,
    name: row.name ?? "",
    usage_bytes: usageBytes,
    file_counts: counts,
    status: counts.in_progress > 0 ? "in_progress" : "completed",
    ...(row.expires_after
      ? { expires_after: row.expires_after, expires_at: row.last_active_at + row.expires_after.days * DAY }
      : { expires_at: null }),
    last_active_at: row.last_active_at,
    metadata: row.metadata,
  };
}

export function vectorStoreFileObject(row: StoreFileRow): VectorStoreFile {
  return {
    id: row.file_id,
    object: "vector_store.file",
    created_at: row.created_at,
    vector_store_id: row.store_id,
    status: row.status,
    last_error: row.last_error,
    usage_bytes: row.usage_bytes,
    attributes: row.attributes,
    chunking_strategy: { type: "static", static: row.chunking },
  };
}

export function batchObject(row: BatchRow, counts: FileCounts): VectorStoreFileBatch {
  return {
    id: row.id,
    object: "vector_store.files_batch",
    created_at: row.created_at,
    vector_store_id: row.store_id,
    status: batchStatus(row, counts),
    file_counts: counts,
  };
}

/** Llama Stack's rule: cancelled stays cancelled; done with no success is failed; any success completes. */
function batchStatus(row: BatchRow, counts: FileCounts): VectorStoreFileBatch["status"] {
  if (row.status === "cancelled") return "cancelled";
  if (counts.in_progress > 0) return "in_progress";
  return counts.completed === 0 && counts.failed > 0 ? "failed" : "completed";
}

export interface SearchHit {
  file_id: string;
  filename: string;
  score: number;
  attributes: Record<string, string | number | boolean>;
  content: Array<{ type: "text"; text: string }>;
}

export interface SearchPage {
  object: "vector_store.search_results.page";
  search_query: string;
  data: SearchHit[];
  has_more: false;
  next_page: null;
}

// The SDK's search item has the same fields; checked here so that drift shows at compile time.
export const asSdkSearchItem = (hit: SearchHit): VectorStoreSearchResponse => hit;
