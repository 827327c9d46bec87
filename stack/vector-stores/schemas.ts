/** Request bodies of the vector stores API, as OpenAI (and Llama Stack's `extra_body`) define them. */
import { z } from "zod";
import { filterSchema } from "./filters.ts";
import { DEFAULT_CHUNK_TOKENS, DEFAULT_OVERLAP_TOKENS } from "./ingestion/chunks.ts";
import type { StaticChunking } from "./store.ts";

const MAX_KEYS = 16;

const metadata = z
  .record(z.string().max(64), z.string().max(512))
  .refine((value) => Object.keys(value).length <= MAX_KEYS, `at most ${MAX_KEYS} keys`);

export const attributesSchema = z
  .record(z.string().max(64), z.union([z.string().max(512), z.number(), z.boolean()]))
  .refine((value) => Object.keys(value).length <= MAX_KEYS, `at most ${MAX_KEYS} keys`);

export const chunkingStrategySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto") }),
  z.object({
    type: z.literal("static"),
    static: z
      .object({
        max_chunk_size_tokens: z.number().int().min(100).max(4096),
        chunk_overlap_tokens: z.number().int().min(0),
      })
      .refine(
        (value) => value.chunk_overlap_tokens <= value.max_chunk_size_tokens / 2,
        "chunk_overlap_tokens must not exceed half of max_chunk_size_tokens",
      ),
  }),
]);
export type ChunkingStrategy = z.infer<typeof chunkingStrategySchema>;

const expiresAfter = z.object({
  anchor: z.literal("last_active_at"),
  days: z.number().int().min(1).max(365),
});

export const createStoreSchema = z.object({
  name: z.string().nullish(),
  file_ids: z.array(z.string().min(1)).max(500).optional(),
  expires_after: expiresAfter.nullish(),
  chunking_strategy: chunkingStrategySchema.optional(),
  metadata: metadata.nullish(),
  // Llama Stack's extensions, sent by its tests through the SDK's `extra_body`.
  embedding_model: z.string().min(1).optional(),
  embedding_dimension: z.number().int().min(1).max(65_536).optional(),
  provider_id: z.string().optional(),
});

export const updateStoreSchema = z.object({
  name: z.string().nullish(),
  expires_after: expiresAfter.nullish(),
  metadata: metadata.nullish(),
});

export const attachFileSchema = z.object({
  file_id: z.string().min(1),
  attributes: attributesSchema.nullish(),
  chunking_strategy: chunkingStrategySchema.optional(),
});

export const updateFileSchema = z.object({ attributes: attributesSchema });

export const createBatchSchema = z.object({
  file_ids: z.array(z.string().min(1)).min(1).max(500),
  attributes: attributesSchema.nullish(),
  chunking_strategy: chunkingStrategySchema.optional(),
});

export const searchSchema = z.object({
  query: z.union([z.string(), z.array(z.string()).min(1)]),
  filters: filterSchema.nullish(),
  max_num_results: z.number().int().min(1).max(50).optional(),
  ranking_options: z
    .object({ ranker: z.string().optional(), score_threshold: z.number().min(0).optional() })
    .nullish(),
  rewrite_query: z.boolean().optional(),
  search_mode: z.literal("vector").optional(),
});
export type SearchBody = z.infer<typeof searchSchema>;

export const fileStatusSchema = z.enum(["in_progress", "completed", "failed", "cancelled"]);

/** `auto` is Llama Stack's (and OpenAI's) 800-token windows overlapping by 400. */
export function resolveChunking(strategy: ChunkingStrategy | undefined): StaticChunking {
  if (strategy?.type === "static") return strategy.static;
  return { max_chunk_size_tokens: DEFAULT_CHUNK_TOKENS, chunk_overlap_tokens: DEFAULT_OVERLAP_TOKENS };
}
