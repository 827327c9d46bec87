/**
 * Texts to vectors through the stack's inference provider, and so through the recorder.
 * Llama Stack sends all of a file's chunks in one `/v1/embeddings` call; so does this,
 * up to `batchSize` texts (OpenAI takes at most 2,048 inputs and 300,000 tokens a call:
 * 256 chunks of 800 tokens stay within both), with at most `concurrency` calls at once.
 */
import pLimit from "p-limit";
import type { InferenceProvider } from "../../providers/types.ts";

export interface EmbedOptions {
  batchSize?: number;
  concurrency?: number;
  signal?: AbortSignal;
}

export const DEFAULT_EMBEDDING_BATCH = 256;
const DEFAULT_CONCURRENCY = 4;

export async function embedTexts(
  provider: InferenceProvider,
  model: string,
  texts: readonly string[],
  options: EmbedOptions = {},
): Promise<Float32Array[]> {
  const batchSize = options.batchSize ?? DEFAULT_EMBEDDING_BATCH;
  const limit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const batches: string[][] = [];
  for (let start = 0; start < texts.length; start += batchSize)
    batches.push(texts.slice(start, start + batchSize));
  const results = await Promise.all(
    batches.map((input) =>
      limit(async () => {
        const response = await provider.embed(
          { model: provider.upstreamModel(model), input, encoding_format: "float" },
          options.signal,
        );
        if (response.data.length !== input.length) {
          throw new Error(
            `The embedding model '${model}' returned ${response.data.length} embeddings for ${input.length} texts.`,
          );
        }
        return [...response.data].sort((a, b) => a.index - b.index).map((item) => toVector(item.embedding));
      }),
    ),
  );
  return results.flat();
}

/** A float list, or the base64 of little-endian float32s that some servers send regardless. */
function toVector(embedding: number[] | string): Float32Array {
  if (typeof embedding !== "string") return Float32Array.from(embedding);
  const bytes = Buffer.from(embedding, "base64");
  const vector = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(vector.buffer).set(bytes);
  return vector;
}
