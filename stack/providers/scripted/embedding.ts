/**
 * `scripted/embedding`: a deterministic embedding model for offline runs. Each text is a
 * hashed bag of its lowercased words: every word adds ±1 to one of `dimensions`
 * coordinates (both picked by a SHA-256 of the word), and the sum is scaled to unit
 * length. Texts that share words point the same way, so file_search ranks meaningfully
 * without a real model, and the same text always gives the same vector.
 *
 * It is not a language model: "car" and "automobile" are as far apart as any two words.
 */
import { createHash } from "node:crypto";
import type { CreateEmbeddingResponse } from "openai/resources/embeddings";

export const SCRIPTED_EMBEDDING_MODEL = "scripted/embedding";
/** Llama Stack's default `embedding_dimension` for a vector store. */
export const SCRIPTED_EMBEDDING_DIMENSIONS = 384;

const WORD = /[\p{L}\p{N}]+/gu;

export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export function scriptedEmbedding(text: string, dimensions = SCRIPTED_EMBEDDING_DIMENSIONS): Float32Array {
  const vector = new Float32Array(dimensions);
  for (const word of words(text)) {
    const digest = createHash("sha256").update(word).digest();
    const index = digest.readUInt32BE(0) % dimensions;
    vector[index] = (vector[index] as number) + ((digest[4] as number) & 1 ? 1 : -1);
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] as number) * scale;
  }
  return vector;
}

export interface EmbeddingsBody {
  model?: unknown;
  input?: unknown;
  encoding_format?: unknown;
  dimensions?: unknown;
}

/** An OpenAI `/v1/embeddings` answer, or a message saying what is wrong with the body. */
export function scriptedEmbeddings(body: EmbeddingsBody): CreateEmbeddingResponse | { error: string } {
  const inputs = typeof body.input === "string" ? [body.input] : body.input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((item) => typeof item === "string")) {
    return { error: "'input' must be a non-empty string or a non-empty list of strings." };
  }
  const dimensions = body.dimensions ?? SCRIPTED_EMBEDDING_DIMENSIONS;
  if (
    typeof dimensions !== "number" ||
    !Number.isInteger(dimensions) ||
    dimensions < 1 ||
    dimensions > 8192
  ) {
    return { error: "'dimensions' must be an integer from 1 to 8192." };
  }
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") {
    return { error: "'encoding_format' must be 'float' or 'base64'." };
  }
  const model = typeof body.model === "string" ? body.model : SCRIPTED_EMBEDDING_MODEL;
  let tokens = 0;
  const data = inputs.map((text: string, index) => {
    tokens += words(text).length;
    const vector = scriptedEmbedding(text, dimensions);
    const embedding =
      format === "base64"
        ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64")
        : Array.from(vector);
    return { object: "embedding" as const, index, embedding: embedding as number[] };
  });
  return {
    object: "list",
    data,
    model: model.startsWith("scripted/") ? model : `scripted/${model}`,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
