/**
 * One file into one vector store, as Llama Stack's `openai_attach_file_to_vector_store`
 * does it: extract the text, chunk it (the file's attributes plus its `filename` as
 * chunk metadata), embed the chunks, store them with their vectors and mark the file
 * completed; any failure marks it failed with `last_error` saying why.
 */
import { APIError } from "openai";
import type { FileStore } from "../../files/file-store.ts";
import type { InferenceProvider } from "../../providers/types.ts";
import type { StaticChunking, VectorStoreDb } from "../store.ts";
import { makeOverlappedChunks } from "./chunks.ts";
import { embedTexts } from "./embed.ts";
import { ExtractionError, extractText } from "./extract.ts";

export interface IngestJob {
  storeId: string;
  fileId: string;
  attributes: Record<string, string | number | boolean>;
  chunking: StaticChunking;
  embeddingModel: string;
  /** Known when the store was created with one; otherwise the first embeddings settle it. */
  embeddingDimension: number | null;
}

export interface IngestDeps {
  files: FileStore;
  db: VectorStoreDb;
  resolveProvider(model: string): InferenceProvider;
  signal?: AbortSignal;
}

/** Never rejects: the outcome is the file's status. */
export async function ingestFile(job: IngestJob, deps: IngestDeps): Promise<void> {
  try {
    const file = deps.files.get(job.fileId);
    const bytes = deps.files.content(job.fileId);
    if (!file || !bytes) throw new Error(`The file '${job.fileId}' no longer exists.`);
    const text = await extractText(file.filename, bytes);
    const chunks = makeOverlappedChunks(
      job.fileId,
      text,
      job.chunking.max_chunk_size_tokens,
      job.chunking.chunk_overlap_tokens,
      { ...job.attributes, filename: file.filename },
    );
    // Llama Stack's words for a file with no text.
    if (chunks.length === 0)
      throw new ExtractionError("invalid_file", "No chunks were generated from the file");
    const provider = deps.resolveProvider(job.embeddingModel);
    const vectors = await embedTexts(
      provider,
      job.embeddingModel,
      chunks.map((chunk) => chunk.content),
      deps.signal ? { signal: deps.signal } : {},
    );
    const dimension = job.embeddingDimension ?? vectors[0]?.length ?? 0;
    const wrong = vectors.find((vector) => vector.length !== dimension);
    if (wrong) {
      throw new Error(
        `The embedding model '${job.embeddingModel}' returned ${wrong.length}-dimensional embeddings, ` +
          `and this vector store holds ${dimension}-dimensional ones. Create the store with the model's dimension.`,
      );
    }
    deps.db.settleDimension(job.storeId, dimension);
    deps.db.completeFile(
      job.storeId,
      job.fileId,
      chunks.map((chunk, index) => ({ ...chunk, embedding: vectors[index] as Float32Array })),
    );
  } catch (error) {
    if (deps.signal?.aborted) return;
    deps.db.failFile(job.storeId, job.fileId, {
      code: error instanceof ExtractionError ? error.code : "server_error",
      message: failureMessage(error),
    });
  }
}

function failureMessage(error: unknown): string {
  // The SDK wraps a fetch that rejects (a replay miss, the network) as "Connection error.".
  if (error instanceof APIError && error.cause instanceof Error) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}
