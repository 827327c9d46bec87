/**
 * The vector stores API's behaviour, between the routes (HTTP, validation) and the
 * SQLite store: ids from the ports' minter, ingestion in the background (a file is
 * `in_progress` when attached and becomes `completed` or `failed`), at most three files
 * ingesting at once (Llama Stack's limit per batch), and search as Llama Stack does it.
 */
import { randomUUID } from "node:crypto";
import pLimit from "p-limit";
import type { z } from "zod";
import { invalidParameter, notFound, type StackError } from "../errors.ts";
import type { FileStore } from "../files/file-store.ts";
import type { StackPorts } from "../ports.ts";
import type { InferenceProvider } from "../providers/types.ts";
import { matchesFilter } from "./filters.ts";
import { embedTexts } from "./ingestion/embed.ts";
import { ingestFile } from "./ingestion/ingest.ts";
import {
  batchObject,
  type SearchHit,
  type SearchPage,
  vectorStoreFileObject,
  vectorStoreObject,
} from "./objects.ts";
import {
  type attachFileSchema,
  type ChunkingStrategy,
  type createBatchSchema,
  type createStoreSchema,
  resolveChunking,
  type SearchBody,
  type updateStoreSchema,
} from "./schemas.ts";
import type { FileStatus, PageQuery, StoreRow, VectorStoreDb } from "./store.ts";
import { VectorIndex } from "./vector-index.ts";

/** Llama Stack asks the index for this many candidates per result wanted, then filters. */
const CANDIDATES_PER_RESULT = 5;
const DEFAULT_MAX_RESULTS = 10;
const FILES_AT_ONCE = 3;

export interface VectorStoreServiceDeps {
  db: VectorStoreDb;
  files: FileStore;
  ports: Pick<StackPorts, "mintId" | "now" | "currentTestId">;
  resolveProvider(model: string): InferenceProvider;
  /** For stores created without `embedding_model`; without it, the parameter is required. */
  defaultEmbeddingModel?: string | undefined;
}

type Attributes = Record<string, string | number | boolean>;

export class VectorStoreService {
  readonly #deps: VectorStoreServiceDeps;
  readonly #index: VectorIndex;
  readonly #limit = pLimit(FILES_AT_ONCE);
  readonly #jobs = new Set<Promise<void>>();
  readonly #closing = new AbortController();

  constructor(deps: VectorStoreServiceDeps) {
    this.#deps = deps;
    this.#index = new VectorIndex(deps.db);
  }

  create(body: z.infer<typeof createStoreSchema>) {
    const model = body.embedding_model ?? this.#deps.defaultEmbeddingModel;
    if (!model) {
      throw invalidParameter(
        "embedding_model",
        "This stack has no default embedding model: give 'embedding_model' (with the openai SDK, in extra_body).",
        "missing_required_parameter",
      );
    }
    this.#resolve(model, "embedding_model");
    const now = this.#deps.ports.now();
    const row = {
      id: this.#deps.ports.mintId("vector_store", () => `vs_${randomUUID()}`),
      name: body.name ?? null,
      created_at: now,
      last_active_at: now,
      metadata: body.metadata ?? {},
      expires_after: body.expires_after ?? null,
      embedding_model: model,
      embedding_dimension: body.embedding_dimension ?? null,
    };
    for (const [index, fileId] of (body.file_ids ?? []).entries())
      this.#existingFile(fileId, `file_ids[${index}]`);
    this.#deps.db.insertStore(row, this.#deps.ports.currentTestId());
    this.#index.forget(row.id);
    for (const fileId of body.file_ids ?? []) {
      this.#attach(row.id, fileId, {}, body.chunking_strategy, null, now);
    }
    return this.retrieve(row.id);
  }

  retrieve(id: string) {
    const row = this.#store(id);
    const { counts, usageBytes } = this.#deps.db.fileCounts(id);
    return vectorStoreObject(row, counts, usageBytes);
  }

  list(query: PageQuery) {
    const page = this.#deps.db.listStores({ ...query, scope: this.#deps.ports.currentTestId() });
    if (!page) throw cursorNotFound(query, "vector store");
    return { data: page.data.map((row) => this.retrieve(row.id)), hasMore: page.hasMore };
  }

  update(id: string, body: z.infer<typeof updateStoreSchema>) {
    this.#store(id);
    this.#deps.db.updateStore(id, {
      name: body.name,
      metadata: body.metadata ?? undefined,
      expires_after: body.expires_after,
      last_active_at: this.#deps.ports.now(),
    });
    return this.retrieve(id);
  }

  delete(id: string) {
    this.#store(id);
    this.#deps.db.deleteStore(id);
    this.#index.forget(id);
    return { id, object: "vector_store.deleted" as const, deleted: true };
  }

  // --- files ---

  attach(storeId: string, body: z.infer<typeof attachFileSchema>) {
    this.#store(storeId);
    this.#existingFile(body.file_id, "file_id");
    this.#attach(
      storeId,
      body.file_id,
      body.attributes ?? {},
      body.chunking_strategy,
      null,
      this.#deps.ports.now(),
    );
    return this.retrieveFile(storeId, body.file_id);
  }

  retrieveFile(storeId: string, fileId: string) {
    return vectorStoreFileObject(this.#storeFile(storeId, fileId));
  }

  listFiles(
    storeId: string,
    query: PageQuery & { status?: FileStatus | undefined; batchId?: string | undefined },
  ) {
    this.#store(storeId);
    const page = this.#deps.db.listFiles(storeId, query);
    if (!page) throw cursorNotFound(query, "file in this vector store");
    return { data: page.data.map(vectorStoreFileObject), hasMore: page.hasMore };
  }

  updateFile(storeId: string, fileId: string, attributes: Attributes) {
    this.#storeFile(storeId, fileId);
    this.#deps.db.setFileAttributes(storeId, fileId, attributes);
    return this.retrieveFile(storeId, fileId);
  }

  deleteFile(storeId: string, fileId: string) {
    this.#storeFile(storeId, fileId);
    this.#deps.db.deleteFile(storeId, fileId);
    return { id: fileId, object: "vector_store.file.deleted" as const, deleted: true };
  }

  /** The file's chunk texts in order, Llama Stack's `files/{id}/content`. */
  fileContent(storeId: string, fileId: string) {
    const row = this.#storeFile(storeId, fileId);
    const file = this.#deps.files.get(fileId);
    return {
      file_id: fileId,
      filename: file?.filename ?? "",
      attributes: row.attributes,
      content: this.#deps.db.fileChunks(storeId, fileId).map((text) => ({ type: "text" as const, text })),
    };
  }

  /** Called before an uploaded file is deleted: every store lets go of it (its chunks go by cascade). */
  forgetFile(fileId: string): void {
    for (const storeId of this.#deps.db.storesOfFile(fileId)) this.#deps.db.deleteFile(storeId, fileId);
  }

  // --- batches ---

  createBatch(storeId: string, body: z.infer<typeof createBatchSchema>) {
    this.#store(storeId);
    for (const [index, fileId] of body.file_ids.entries()) this.#existingFile(fileId, `file_ids[${index}]`);
    const now = this.#deps.ports.now();
    const id = this.#deps.ports.mintId("vector_store_file_batch", () => `batch_${randomUUID()}`);
    const fileIds = [...new Set(body.file_ids)];
    this.#deps.db.insertBatch({
      id,
      store_id: storeId,
      created_at: now,
      status: "in_progress",
      file_ids: fileIds,
    });
    for (const fileId of fileIds) {
      this.#attach(storeId, fileId, body.attributes ?? {}, body.chunking_strategy, id, now);
    }
    return this.retrieveBatch(storeId, id);
  }

  retrieveBatch(storeId: string, batchId: string) {
    const batch = this.#batch(storeId, batchId);
    return batchObject(batch, this.#deps.db.batchCounts(storeId, batchId));
  }

  cancelBatch(storeId: string, batchId: string) {
    const batch = this.#batch(storeId, batchId);
    const current = this.retrieveBatch(storeId, batchId);
    if (current.status !== "in_progress") {
      throw invalidParameter(
        "batch_id",
        `The file batch '${batchId}' is ${current.status}; only a batch in progress can be cancelled.`,
      );
    }
    this.#deps.db.cancelBatchFiles(storeId, batch.id);
    this.#deps.db.setBatchStatus(batch.id, "cancelled");
    return this.retrieveBatch(storeId, batchId);
  }

  // --- search ---

  async search(storeId: string, body: SearchBody): Promise<SearchPage> {
    const store = this.#store(storeId);
    const query = Array.isArray(body.query) ? body.query.join(" ") : body.query;
    const maxResults = body.max_num_results ?? DEFAULT_MAX_RESULTS;
    const threshold = body.ranking_options?.score_threshold ?? 0;
    // Llama Stack embeds the query even for an empty store; so does this, for the same recordings.
    const provider = this.#resolve(store.embedding_model, "embedding_model");
    const [vector] = await embedTexts(provider, store.embedding_model, [query]);
    const data: SearchHit[] = [];
    for (const neighbour of this.#index.nearest(
      storeId,
      vector as Float32Array,
      maxResults * CANDIDATES_PER_RESULT,
    )) {
      if (neighbour.score < threshold) continue;
      const chunk = this.#deps.db.chunk(neighbour.seq);
      if (!chunk) continue;
      if (body.filters && !matchesFilter(chunk.metadata, body.filters)) continue;
      data.push({
        file_id: String(chunk.metadata.document_id ?? chunk.file_id),
        filename: String(chunk.metadata.filename ?? ""),
        score: neighbour.score,
        attributes: chunk.metadata as Attributes,
        content: [{ type: "text", text: chunk.content }],
      });
      if (data.length >= maxResults) break;
    }
    return {
      object: "vector_store.search_results.page",
      search_query: query,
      data,
      has_more: false,
      next_page: null,
    };
  }

  // --- lifecycle ---

  /** Resolves once every ingestion started so far has finished. */
  async idle(): Promise<void> {
    while (this.#jobs.size > 0) await Promise.allSettled([...this.#jobs]);
  }

  /** Stops ingestions in flight; their files stay `in_progress` and fail at the next start. */
  close(): void {
    this.#closing.abort();
    this.#limit.clearQueue();
  }

  #attach(
    storeId: string,
    fileId: string,
    attributes: Attributes,
    strategy: ChunkingStrategy | undefined,
    batchId: string | null,
    now: number,
  ): void {
    const store = this.#store(storeId);
    const chunking = resolveChunking(strategy);
    this.#deps.db.insertFile({
      store_id: storeId,
      file_id: fileId,
      batch_id: batchId,
      created_at: now,
      attributes,
      chunking,
    });
    const job = this.#limit(async () => {
      // Cancelled, deleted or re-attached while it waited.
      if (this.#closing.signal.aborted || this.#deps.db.file(storeId, fileId)?.status !== "in_progress")
        return;
      const current = this.#deps.db.store(storeId) ?? store;
      await ingestFile(
        {
          storeId,
          fileId,
          attributes,
          chunking,
          embeddingModel: current.embedding_model,
          embeddingDimension: current.embedding_dimension,
        },
        {
          files: this.#deps.files,
          db: this.#deps.db,
          resolveProvider: this.#deps.resolveProvider,
          signal: this.#closing.signal,
        },
      );
    }).catch((error: unknown) => {
      // Only a closed database lands here (the stack shut down mid-ingestion).
      if (!this.#closing.signal.aborted) console.error("[stack] ingestion failed:", error);
    });
    this.#jobs.add(job);
    void job.finally(() => this.#jobs.delete(job));
  }

  #resolve(model: string, param: string): InferenceProvider {
    try {
      return this.#deps.resolveProvider(model);
    } catch (error) {
      const stackError = error as StackError;
      throw invalidParameter(param, stackError.message, "model_not_found");
    }
  }

  #store(id: string): StoreRow {
    const row = this.#deps.db.store(id);
    if (!row) {
      throw notFound(
        `No vector store with id '${id}' exists. List them with GET /v1/vector_stores.`,
        "vector_store_id",
      );
    }
    return row;
  }

  #storeFile(storeId: string, fileId: string) {
    this.#store(storeId);
    const row = this.#deps.db.file(storeId, fileId);
    if (!row)
      throw notFound(`No file with id '${fileId}' is attached to vector store '${storeId}'.`, "file_id");
    return row;
  }

  #existingFile(fileId: string, param: string): void {
    if (!this.#deps.files.get(fileId)) {
      throw notFound(`No file with id '${fileId}' exists. Upload it first with POST /v1/files.`, param);
    }
  }

  #batch(storeId: string, batchId: string) {
    this.#store(storeId);
    const batch = this.#deps.db.batch(batchId);
    if (!batch || batch.store_id !== storeId) {
      throw notFound(`No file batch with id '${batchId}' in vector store '${storeId}'.`, "batch_id");
    }
    return batch;
  }
}

function cursorNotFound(query: PageQuery, what: string): StackError {
  const param = query.after !== undefined ? "after" : "before";
  return invalidParameter(param, `No ${what} with id '${query.after ?? query.before}'.`);
}
