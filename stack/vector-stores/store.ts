/**
 * Vector stores in SQLite: the stores, the files attached to them (with their ingestion
 * status), the chunks with their embeddings (float32 blobs), and file batches. Chunks
 * belong to a store's file and files to a store and to an uploaded file, with cascading
 * foreign keys, so deleting any of them takes what hangs from it along. Every change to
 * a store's chunks bumps its `revision` (by trigger, cascades included), which tells the
 * in-memory search index when to reload.
 */
import type Database from "better-sqlite3";

export interface StaticChunking {
  max_chunk_size_tokens: number;
  chunk_overlap_tokens: number;
}

export type FileStatus = "in_progress" | "completed" | "failed" | "cancelled";
export type BatchStatus = "in_progress" | "completed" | "cancelled" | "failed";

export interface StoreRow {
  id: string;
  name: string | null;
  created_at: number;
  last_active_at: number;
  metadata: Record<string, string>;
  expires_after: { anchor: "last_active_at"; days: number } | null;
  embedding_model: string;
  /** Known once given at creation or once the first embeddings came back. */
  embedding_dimension: number | null;
  revision: number;
}

export interface StoreFileRow {
  store_id: string;
  file_id: string;
  batch_id: string | null;
  created_at: number;
  status: FileStatus;
  last_error: { code: "server_error" | "unsupported_file" | "invalid_file"; message: string } | null;
  attributes: Record<string, string | number | boolean>;
  chunking: StaticChunking;
  usage_bytes: number;
}

export interface BatchRow {
  id: string;
  store_id: string;
  created_at: number;
  status: BatchStatus;
  file_ids: string[];
}

export interface StoredChunk {
  seq: number;
  file_id: string;
  chunk_id: string;
  content: string;
  metadata: Record<string, unknown>;
}

export interface NewChunk {
  id: string;
  content: string;
  metadata: Record<string, unknown>;
  window: string;
  embedding: Float32Array;
}

export interface FileCounts {
  in_progress: number;
  completed: number;
  failed: number;
  cancelled: number;
  total: number;
}

export interface PageQuery {
  after?: string | undefined;
  before?: string | undefined;
  limit: number;
  order: "asc" | "desc";
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS vector_stores (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT,
    created_at INTEGER NOT NULL,
    last_active_at INTEGER NOT NULL,
    metadata TEXT NOT NULL,
    expires_after TEXT,
    embedding_model TEXT NOT NULL,
    embedding_dimension INTEGER,
    revision INTEGER NOT NULL DEFAULT 0,
    scope TEXT
  );
  CREATE INDEX IF NOT EXISTS vector_stores_scope ON vector_stores (scope, seq);
  CREATE TABLE IF NOT EXISTS vector_store_files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id TEXT NOT NULL REFERENCES vector_stores (id) ON DELETE CASCADE,
    file_id TEXT NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    batch_id TEXT,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    last_error TEXT,
    attributes TEXT NOT NULL,
    chunking TEXT NOT NULL,
    usage_bytes INTEGER NOT NULL DEFAULT 0,
    UNIQUE (store_id, file_id)
  );
  CREATE INDEX IF NOT EXISTS vector_store_files_file ON vector_store_files (file_id);
  CREATE TABLE IF NOT EXISTS vector_store_chunks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id TEXT NOT NULL,
    file_id TEXT NOT NULL,
    chunk_id TEXT NOT NULL,
    content TEXT NOT NULL,
    metadata TEXT NOT NULL,
    chunk_window TEXT NOT NULL,
    embedding BLOB NOT NULL,
    FOREIGN KEY (store_id, file_id) REFERENCES vector_store_files (store_id, file_id) ON DELETE CASCADE
  );
  CREATE INDEX IF NOT EXISTS vector_store_chunks_store ON vector_store_chunks (store_id, seq);
  CREATE INDEX IF NOT EXISTS vector_store_chunks_file ON vector_store_chunks (store_id, file_id);
  CREATE TABLE IF NOT EXISTS vector_store_file_batches (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    store_id TEXT NOT NULL REFERENCES vector_stores (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    file_ids TEXT NOT NULL
  );
  CREATE TRIGGER IF NOT EXISTS vector_store_chunks_added AFTER INSERT ON vector_store_chunks BEGIN
    UPDATE vector_stores SET revision = revision + 1 WHERE id = NEW.store_id;
  END;
  CREATE TRIGGER IF NOT EXISTS vector_store_chunks_removed AFTER DELETE ON vector_store_chunks BEGIN
    UPDATE vector_stores SET revision = revision + 1 WHERE id = OLD.store_id;
  END;
`;

interface RawStore extends Omit<StoreRow, "metadata" | "expires_after"> {
  metadata: string;
  expires_after: string | null;
}

interface RawFile extends Omit<StoreFileRow, "last_error" | "attributes" | "chunking"> {
  last_error: string | null;
  attributes: string;
  chunking: string;
}

interface RawBatch extends Omit<BatchRow, "file_ids"> {
  file_ids: string;
}

const STORE_COLUMNS =
  "id, name, created_at, last_active_at, metadata, expires_after, embedding_model, embedding_dimension, revision";
const FILE_COLUMNS =
  "store_id, file_id, batch_id, created_at, status, last_error, attributes, chunking, usage_bytes";

export class VectorStoreDb {
  readonly #db: Database.Database;
  readonly #statements: ReturnType<typeof prepareStatements>;

  /** Needs the `files` table (FileStore) in the same database. */
  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(SCHEMA);
    this.#statements = prepareStatements(db);
    this.#failInterrupted();
  }

  // --- stores ---

  /** `scope`: the test that created the store, whose listings alone show it (as for files). */
  insertStore(row: Omit<StoreRow, "revision">, scope?: string): void {
    this.#db.transaction(() => {
      // A retried test mints the same id again: the newer store replaces the older.
      this.#statements.deleteStore.run(row.id);
      this.#run("insertStore", {
        ...row,
        scope: scope ?? null,
        metadata: JSON.stringify(row.metadata),
        expires_after: row.expires_after ? JSON.stringify(row.expires_after) : null,
      });
    })();
  }

  store(id: string): StoreRow | undefined {
    const raw = this.#get<RawStore>("store", id);
    return raw && toStore(raw);
  }

  /** The store's chunk revision and dimension: what the search index checks before each search. */
  revision(id: string): { revision: number; embedding_dimension: number | null } | undefined {
    return this.#get("revision", id);
  }

  updateStore(
    id: string,
    changes: Partial<Pick<StoreRow, "name" | "metadata" | "expires_after" | "last_active_at">>,
  ): void {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      sets.push(`${key} = @${key}`);
      params[key] =
        key === "metadata" || key === "expires_after"
          ? value === null
            ? null
            : JSON.stringify(value)
          : value;
    }
    if (sets.length)
      this.#db.prepare(`UPDATE vector_stores SET ${sets.join(", ")} WHERE id = @id`).run(params);
  }

  /** Sets the dimension on the first embeddings, unless one is known already. */
  settleDimension(id: string, dimension: number): void {
    this.#db
      .prepare(
        "UPDATE vector_stores SET embedding_dimension = ? WHERE id = ? AND embedding_dimension IS NULL",
      )
      .run(dimension, id);
  }

  deleteStore(id: string): boolean {
    return this.#db.transaction(() => {
      // Chunks first, in one statement: cheaper than the cascade row by row.
      this.#db.prepare("DELETE FROM vector_store_chunks WHERE store_id = ?").run(id);
      return this.#statements.deleteStore.run(id).changes > 0;
    })();
  }

  listStores(
    query: PageQuery & { scope?: string | undefined },
  ): { data: StoreRow[]; hasMore: boolean } | undefined {
    const rows = this.#page<RawStore>(
      "vector_stores",
      STORE_COLUMNS,
      "id",
      query,
      query.scope === undefined ? {} : { scope: query.scope },
    );
    return rows && { data: rows.data.map(toStore), hasMore: rows.hasMore };
  }

  fileCounts(storeId: string): { counts: FileCounts; usageBytes: number } {
    const counts: FileCounts = { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 };
    let usageBytes = 0;
    for (const row of this.#statements.counts.all(storeId) as Array<{
      status: FileStatus;
      n: number;
      bytes: number;
    }>) {
      counts[row.status] += row.n;
      counts.total += row.n;
      usageBytes += row.bytes ?? 0;
    }
    return { counts, usageBytes };
  }

  // --- files in stores ---

  /** Attaches a file as `in_progress`, replacing an earlier attachment of the same file. */
  insertFile(
    row: Pick<StoreFileRow, "store_id" | "file_id" | "batch_id" | "created_at" | "attributes" | "chunking">,
  ): void {
    this.#db.transaction(() => {
      this.#statements.deleteFile.run(row.store_id, row.file_id);
      this.#run("insertFile", {
        ...row,
        attributes: JSON.stringify(row.attributes),
        chunking: JSON.stringify(row.chunking),
      });
      this.#db
        .prepare("UPDATE vector_stores SET last_active_at = ? WHERE id = ?")
        .run(row.created_at, row.store_id);
    })();
  }

  file(storeId: string, fileId: string): StoreFileRow | undefined {
    const raw = this.#get<RawFile>("file", storeId, fileId);
    return raw && toFile(raw);
  }

  setFileAttributes(storeId: string, fileId: string, attributes: StoreFileRow["attributes"]): void {
    this.#db
      .prepare("UPDATE vector_store_files SET attributes = ? WHERE store_id = ? AND file_id = ?")
      .run(JSON.stringify(attributes), storeId, fileId);
  }

  deleteFile(storeId: string, fileId: string): boolean {
    return this.#statements.deleteFile.run(storeId, fileId).changes > 0;
  }

  /** The stores a file is attached to. */
  storesOfFile(fileId: string): string[] {
    return (
      this.#db.prepare("SELECT store_id FROM vector_store_files WHERE file_id = ?").all(fileId) as Array<{
        store_id: string;
      }>
    ).map((row) => row.store_id);
  }

  listFiles(
    storeId: string,
    query: PageQuery & { status?: FileStatus | undefined; batchId?: string | undefined },
  ): { data: StoreFileRow[]; hasMore: boolean } | undefined {
    const where: Record<string, string> = { store_id: storeId };
    if (query.status) where.status = query.status;
    if (query.batchId) where.batch_id = query.batchId;
    const rows = this.#page<RawFile>("vector_store_files", FILE_COLUMNS, "file_id", query, where);
    return rows && { data: rows.data.map(toFile), hasMore: rows.hasMore };
  }

  /**
   * Stores a file's chunks and marks it completed, in one transaction; false (and
   * nothing stored) when the file is no longer attached and in progress (deleted or
   * cancelled meanwhile).
   */
  completeFile(storeId: string, fileId: string, chunks: NewChunk[]): boolean {
    return this.#db.transaction(() => {
      const usageBytes = chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk.content), 0);
      const done = this.#run("finishFile", {
        store_id: storeId,
        file_id: fileId,
        status: "completed",
        last_error: null,
        usage_bytes: usageBytes,
      });
      if (done.changes === 0) return false;
      for (const chunk of chunks) {
        const { buffer, byteOffset, byteLength } = chunk.embedding;
        this.#statements.insertChunk.run(
          storeId,
          fileId,
          chunk.id,
          chunk.content,
          JSON.stringify(chunk.metadata),
          chunk.window,
          Buffer.from(buffer, byteOffset, byteLength),
        );
      }
      return true;
    })();
  }

  failFile(storeId: string, fileId: string, error: NonNullable<StoreFileRow["last_error"]>): void {
    this.#run("finishFile", {
      store_id: storeId,
      file_id: fileId,
      status: "failed",
      last_error: JSON.stringify(error),
      usage_bytes: 0,
    });
  }

  cancelBatchFiles(storeId: string, batchId: string): void {
    this.#db
      .prepare(
        "UPDATE vector_store_files SET status = 'cancelled' WHERE store_id = ? AND batch_id = ? AND status = 'in_progress'",
      )
      .run(storeId, batchId);
  }

  // --- chunks ---

  /** Every vector of a store, in insertion order (what the search index loads). */
  vectors(storeId: string): Array<{ seq: number; embedding: Buffer }> {
    return this.#statements.vectors.all(storeId) as Array<{ seq: number; embedding: Buffer }>;
  }

  chunk(seq: number): StoredChunk | undefined {
    const raw = this.#get<Omit<StoredChunk, "metadata"> & { metadata: string }>("chunk", seq);
    return raw && { ...raw, metadata: JSON.parse(raw.metadata) };
  }

  fileChunks(storeId: string, fileId: string): string[] {
    return (this.#statements.fileChunks.all(storeId, fileId) as Array<{ content: string }>).map(
      (row) => row.content,
    );
  }

  // --- batches ---

  insertBatch(row: BatchRow): void {
    this.#db.transaction(() => {
      this.#statements.deleteBatch.run(row.id);
      this.#run("insertBatch", { ...row, file_ids: JSON.stringify(row.file_ids) });
    })();
  }

  batch(id: string): BatchRow | undefined {
    const raw = this.#get<RawBatch>("batch", id);
    return raw && { ...raw, file_ids: JSON.parse(raw.file_ids) };
  }

  setBatchStatus(id: string, status: BatchStatus): void {
    this.#statements.setBatchStatus.run(status, id);
  }

  batchCounts(storeId: string, batchId: string): FileCounts {
    const counts: FileCounts = { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 };
    const rows = this.#db
      .prepare(
        "SELECT status, COUNT(*) AS n FROM vector_store_files WHERE store_id = ? AND batch_id = ? GROUP BY status",
      )
      .all(storeId, batchId) as Array<{ status: FileStatus; n: number }>;
    for (const row of rows) {
      counts[row.status] += row.n;
      counts.total += row.n;
    }
    return counts;
  }

  // --- helpers ---

  /**
   * Ingestion runs in the process that started it: work a previous process left in
   * progress will never finish, so it is marked failed, saying so.
   */
  #failInterrupted(): void {
    const error = JSON.stringify({
      code: "server_error",
      message: "Ingestion was interrupted by a stack restart. Attach the file again.",
    });
    this.#db
      .prepare("UPDATE vector_store_files SET status = 'failed', last_error = ? WHERE status = 'in_progress'")
      .run(error);
    this.#db
      .prepare("UPDATE vector_store_file_batches SET status = 'failed' WHERE status = 'in_progress'")
      .run();
  }

  #page<T>(
    table: string,
    columns: string,
    idColumn: string,
    query: PageQuery,
    where: Record<string, string>,
  ): { data: T[]; hasMore: boolean } | undefined {
    const conditions = Object.keys(where).map((key) => `${key} = @${key}`);
    const params: Record<string, unknown> = { ...where, limit: query.limit + 1 };
    const cursor = query.after ?? query.before;
    // Walking away from a `before` cursor means reading against the list order, then flipping.
    const ascending = (query.order === "asc") !== (query.before !== undefined);
    if (cursor !== undefined) {
      const row = this.#db
        .prepare(`SELECT seq FROM ${table} WHERE ${[`${idColumn} = @cursor`, ...conditions].join(" AND ")}`)
        .get({ ...where, cursor }) as { seq: number } | undefined;
      if (!row) return undefined;
      conditions.push(ascending ? "seq > @seq" : "seq < @seq");
      params.seq = row.seq;
    }
    const clause = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
    const rows = this.#db
      .prepare(
        `SELECT ${columns} FROM ${table} ${clause} ORDER BY seq ${ascending ? "ASC" : "DESC"} LIMIT @limit`,
      )
      .all(params) as T[];
    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    if (query.before !== undefined) page.reverse();
    return { data: page, hasMore };
  }

  #get<T>(name: StatementName, ...params: unknown[]): T | undefined {
    return this.#statements[name].get(...params) as T | undefined;
  }

  #run(name: StatementName, params: Record<string, unknown>): Database.RunResult {
    return this.#statements[name].run(params);
  }
}

function toStore(raw: RawStore): StoreRow {
  return {
    ...raw,
    metadata: JSON.parse(raw.metadata),
    expires_after: raw.expires_after ? JSON.parse(raw.expires_after) : null,
  };
}

function toFile(raw: RawFile): StoreFileRow {
  return {
    ...raw,
    last_error: raw.last_error ? JSON.parse(raw.last_error) : null,
    attributes: JSON.parse(raw.attributes),
    chunking: JSON.parse(raw.chunking),
  };
}

type StatementName = keyof ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database.Database) {
  return {
    store: db.prepare(`SELECT ${STORE_COLUMNS} FROM vector_stores WHERE id = ?`),
    revision: db.prepare("SELECT revision, embedding_dimension FROM vector_stores WHERE id = ?"),
    deleteStore: db.prepare("DELETE FROM vector_stores WHERE id = ?"),
    insertStore: db.prepare(
      `INSERT INTO vector_stores (id, name, created_at, last_active_at, metadata, expires_after, embedding_model, embedding_dimension, scope)
       VALUES (@id, @name, @created_at, @last_active_at, @metadata, @expires_after, @embedding_model, @embedding_dimension, @scope)`,
    ),
    file: db.prepare(`SELECT ${FILE_COLUMNS} FROM vector_store_files WHERE store_id = ? AND file_id = ?`),
    insertFile: db.prepare(
      `INSERT INTO vector_store_files (store_id, file_id, batch_id, created_at, status, last_error, attributes, chunking)
       VALUES (@store_id, @file_id, @batch_id, @created_at, 'in_progress', NULL, @attributes, @chunking)`,
    ),
    deleteFile: db.prepare("DELETE FROM vector_store_files WHERE store_id = ? AND file_id = ?"),
    finishFile: db.prepare(
      `UPDATE vector_store_files SET status = @status, last_error = @last_error, usage_bytes = @usage_bytes
       WHERE store_id = @store_id AND file_id = @file_id AND status = 'in_progress'`,
    ),
    counts: db.prepare(
      "SELECT status, COUNT(*) AS n, SUM(usage_bytes) AS bytes FROM vector_store_files WHERE store_id = ? GROUP BY status",
    ),
    insertChunk: db.prepare(
      `INSERT INTO vector_store_chunks (store_id, file_id, chunk_id, content, metadata, chunk_window, embedding)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    vectors: db.prepare("SELECT seq, embedding FROM vector_store_chunks WHERE store_id = ? ORDER BY seq"),
    chunk: db.prepare(
      "SELECT seq, file_id, chunk_id, content, metadata FROM vector_store_chunks WHERE seq = ?",
    ),
    fileChunks: db.prepare(
      "SELECT content FROM vector_store_chunks WHERE store_id = ? AND file_id = ? ORDER BY seq",
    ),
    batch: db.prepare(
      "SELECT id, store_id, created_at, status, file_ids FROM vector_store_file_batches WHERE id = ?",
    ),
    insertBatch: db.prepare(
      `INSERT INTO vector_store_file_batches (id, store_id, created_at, status, file_ids)
       VALUES (@id, @store_id, @created_at, @status, @file_ids)`,
    ),
    setBatchStatus: db.prepare("UPDATE vector_store_file_batches SET status = ? WHERE id = ?"),
    deleteBatch: db.prepare("DELETE FROM vector_store_file_batches WHERE id = ?"),
  };
}
