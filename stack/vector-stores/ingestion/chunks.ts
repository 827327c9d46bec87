/**
 * Llama Stack 0.2's `make_overlapped_chunks`: windows of `windowTokens` Llama 3 tokens
 * that start every `windowTokens - overlapTokens` tokens, each decoded back to text.
 * The chunk texts go upstream to `/v1/embeddings` and the metadata into the
 * file_search results the model reads, so both are made exactly as Llama Stack makes them.
 */
import { createHash } from "node:crypto";
import { pythonRepr } from "../python-repr.ts";
import { llama3Tokenizer } from "./tokenizer.ts";

/** Llama Stack's name for the tokenizer, kept in each chunk's backend metadata. */
export const CHUNK_TOKENIZER = "DEFAULT_TIKTOKEN_TOKENIZER";

/** OpenAI's `auto` strategy, and Llama Stack's defaults for it. */
export const DEFAULT_CHUNK_TOKENS = 800;
export const DEFAULT_OVERLAP_TOKENS = 400;

export type ChunkMetadata = Record<string, unknown> & {
  document_id: string;
  token_count: number;
  metadata_token_count: number;
};

export interface Chunk {
  /** Llama Stack's chunk id: a UUID made of a SHA-256 of the chunk, the text and the window. */
  id: string;
  content: string;
  /** The file's attributes, `filename`, then `document_id`, `token_count`, `metadata_token_count`. */
  metadata: ChunkMetadata;
  /** `"<first token>-<end token>"`, Llama Stack's `chunk_window`. */
  window: string;
}

export function makeOverlappedChunks(
  documentId: string,
  text: string,
  windowTokens: number,
  overlapTokens: number,
  metadata: Record<string, unknown>,
): Chunk[] {
  const step = windowTokens - overlapTokens;
  if (!Number.isInteger(step) || step <= 0) {
    throw new RangeError(
      `The chunk overlap (${overlapTokens}) must be smaller than the chunk size (${windowTokens}).`,
    );
  }
  const tokenizer = llama3Tokenizer();
  const tokens = tokenizer.encode(text);
  // Llama Stack counts the tokens of `str(metadata)`, a Python dict's repr.
  const metadataTokenCount = tokenizer.encode(pythonRepr(metadata)).length;
  const chunks: Chunk[] = [];
  for (let start = 0; start < tokens.length; start += step) {
    const windowTokensSlice = tokens.slice(start, start + windowTokens);
    const content = tokenizer.decode(windowTokensSlice);
    const window = `${start}-${start + windowTokensSlice.length}`;
    chunks.push({
      // Llama Stack passes (chunk, text) where (document_id, chunk_text) are expected; kept as it is.
      id: chunkId(content, text, window),
      content,
      window,
      metadata: {
        ...metadata,
        document_id: documentId,
        token_count: windowTokensSlice.length,
        metadata_token_count: metadataTokenCount,
      },
    });
  }
  return chunks;
}

/** Llama Stack's `generate_chunk_id`: the first 32 hex digits of a SHA-256, spelled as a UUID. */
export function chunkId(first: string, second: string, window: string): string {
  const hex = createHash("sha256").update(`${first}:${second}:${window}`).digest("hex").slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
