/**
 * Uploaded files: their bytes in a folder of the stack's data (one file per id, written
 * to a temporary name and renamed, so a crash never leaves half a file under an id),
 * their metadata in SQLite.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import type { FileObject } from "openai/resources/files";

export interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  bytes: number;
  created_at: number;
  expires_at: number | null;
}

export interface FileListQuery {
  /** Only the files uploaded under this test id (see `save`); all files when undefined. */
  scope?: string | undefined;
  after?: string | undefined;
  limit: number;
  order: "asc" | "desc";
  purpose?: string | undefined;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    filename TEXT NOT NULL,
    purpose TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    scope TEXT
  );
  CREATE INDEX IF NOT EXISTS files_purpose ON files (purpose, seq);
  CREATE INDEX IF NOT EXISTS files_scope ON files (scope, seq);
`;

export class FileStore {
  readonly #db: Database.Database;
  readonly #dir: string;
  readonly #insert: Database.Statement;
  readonly #select: Database.Statement;
  readonly #delete: Database.Statement;

  constructor(db: Database.Database, dir: string) {
    this.#db = db;
    this.#dir = dir;
    mkdirSync(dir, { recursive: true });
    db.exec(SCHEMA);
    this.#insert = db.prepare(
      `INSERT INTO files (id, filename, purpose, bytes, created_at, expires_at, scope)
       VALUES (@id, @filename, @purpose, @bytes, @created_at, @expires_at, @scope)`,
    );
    this.#select = db.prepare(
      "SELECT id, filename, purpose, bytes, created_at, expires_at FROM files WHERE id = ?",
    );
    this.#delete = db.prepare("DELETE FROM files WHERE id = ?");
  }

  /**
   * Stores a file. `scope` is the test that uploaded it, if any: deterministic ids make
   * every test's objects look alike, and a test lists only its own (see `list`).
   */
  save(file: StoredFile, content: Uint8Array, scope?: string): void {
    const path = this.#path(file.id);
    const temporary = `${path}.${process.pid}.partial`;
    writeFileSync(temporary, content);
    renameSync(temporary, path);
    // A retried test mints the same ids again: the newer upload replaces the older, and
    // deleting the older (rather than REPLACE) lets the foreign keys cascade.
    this.#db.transaction(() => {
      this.#delete.run(file.id);
      this.#insert.run({ ...file, scope: scope ?? null });
    })();
  }

  get(id: string): StoredFile | undefined {
    return this.#select.get(id) as StoredFile | undefined;
  }

  /** The bytes of a stored file; undefined when it has no metadata or its bytes are gone. */
  content(id: string): Uint8Array | undefined {
    if (!this.get(id)) return undefined;
    try {
      return readFileSync(this.#path(id));
    } catch {
      return undefined;
    }
  }

  /** Removes the file's metadata (and, through foreign keys, whatever refers to it) and its bytes. */
  delete(id: string): boolean {
    if (this.#delete.run(id).changes === 0) return false;
    rmSync(this.#path(id), { force: true });
    return true;
  }

  /** One page by upload order; undefined when `after` names no file. */
  list(query: FileListQuery): { data: StoredFile[]; hasMore: boolean } | undefined {
    const conditions: string[] = [];
    const params: Array<string | number> = [];
    const ascending = query.order === "asc";
    if (query.after !== undefined) {
      const row = this.#db.prepare("SELECT seq FROM files WHERE id = ?").get(query.after) as
        | { seq: number }
        | undefined;
      if (!row) return undefined;
      conditions.push(ascending ? "seq > ?" : "seq < ?");
      params.push(row.seq);
    }
    if (query.scope !== undefined) {
      conditions.push("scope = ?");
      params.push(query.scope);
    }
    if (query.purpose) {
      conditions.push("purpose = ?");
      params.push(query.purpose);
    }
    const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
    const rows = this.#db
      .prepare(
        `SELECT id, filename, purpose, bytes, created_at, expires_at FROM files ${where}
         ORDER BY seq ${ascending ? "ASC" : "DESC"} LIMIT ?`,
      )
      .all(...params, query.limit + 1) as StoredFile[];
    return { data: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
  }

  #path(id: string): string {
    // Ids come from the minter (`file-<n>`, `file-<hex>`), never from a client; this keeps it so.
    if (!/^[\w-]+$/.test(id)) throw new Error(`Refusing a file id that is not a plain name: '${id}'.`);
    return join(this.#dir, id);
  }
}

/** The OpenAI shape of a stored file. */
export function fileObject(file: StoredFile): FileObject {
  return {
    id: file.id,
    object: "file",
    bytes: file.bytes,
    created_at: file.created_at,
    filename: file.filename,
    purpose: file.purpose as FileObject["purpose"],
    status: "processed",
    expires_at: file.expires_at ?? undefined,
  } as FileObject;
}
