/**
 * Responses and their input items in SQLite. better-sqlite3 is synchronous, so every
 * write is one statement (one implicit transaction) that no other request can interleave
 * with; WAL lets a second process (a server next to a CLI) read while one writes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { ChatMessage } from "../responses/chat-messages.ts";
import type { ConversationItem, StoredInputItem } from "../responses/items.ts";
import type { ResponseObject } from "../responses/types.ts";

export interface StoredResponse {
  response: ResponseObject;
  inputItems: StoredInputItem[];
  /** What the model saw before this response's output: earlier turns, then this input. */
  context: ConversationItem[];
  /**
   * The chat messages as they stood when the response ended (instructions left out), which
   * a continuation sends on as they are, as Llama Stack does; absent in rows written before
   * they were kept.
   */
  messages?: ChatMessage[] | undefined;
}

export interface ListQuery {
  after?: string | undefined;
  before?: string | undefined;
  limit: number;
  order: "asc" | "desc";
  model?: string | undefined;
}

interface Row {
  seq: number;
  response: string;
  input_items: string;
  context: string;
  messages: string | null;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS responses (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    model TEXT NOT NULL,
    response TEXT NOT NULL,
    input_items TEXT NOT NULL,
    context TEXT NOT NULL,
    messages TEXT
  );
  CREATE INDEX IF NOT EXISTS responses_model ON responses (model, seq);
`;

export class ResponseStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #temporaryDir: string | undefined;
  // Prepared once: every request saves or reads, and preparing costs more than running.
  readonly #insert: Database.Statement;
  readonly #select: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #seqOf: Database.Statement;

  /** Opens (or creates) the database at `path`; without one, a temporary file removed by `close()`. */
  constructor(path?: string) {
    this.#temporaryDir = path ? undefined : mkdtempSync(join(tmpdir(), "responses-stack-"));
    this.path = path ?? join(this.#temporaryDir as string, "stack.db");
    this.#db = new Database(this.path);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("busy_timeout = 5000");
    this.#db.exec(SCHEMA);
    // A database made before messages were kept gains the column; its rows keep NULL.
    const columns = this.#db.prepare("PRAGMA table_info(responses)").all() as Array<{ name: string }>;
    if (!columns.some((column) => column.name === "messages")) {
      this.#db.exec("ALTER TABLE responses ADD COLUMN messages TEXT");
    }
    // A retried test mints the same ids again; the newer response replaces the older.
    this.#insert = this.#db.prepare(
      `INSERT OR REPLACE INTO responses (id, created_at, model, response, input_items, context, messages)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#select = this.#db.prepare("SELECT * FROM responses WHERE id = ?");
    this.#delete = this.#db.prepare("DELETE FROM responses WHERE id = ?");
    this.#seqOf = this.#db.prepare("SELECT seq FROM responses WHERE id = ?");
  }

  save(record: StoredResponse): void {
    this.#insert.run(
      record.response.id,
      record.response.created_at,
      record.response.model,
      JSON.stringify(record.response),
      JSON.stringify(record.inputItems),
      JSON.stringify(record.context),
      record.messages ? JSON.stringify(record.messages) : null,
    );
  }

  get(id: string): StoredResponse | undefined {
    const row = this.#select.get(id) as Row | undefined;
    return row && toRecord(row);
  }

  delete(id: string): boolean {
    return this.#delete.run(id).changes > 0;
  }

  /**
   * One page in `order`, by insertion. `after` continues past a cursor in list order;
   * `before` returns the page that ends just before it.
   */
  list(query: ListQuery): { data: StoredResponse[]; hasMore: boolean } | undefined {
    const cursorId = query.after ?? query.before;
    let cursor: number | undefined;
    if (cursorId !== undefined) {
      const row = this.#seqOf.get(cursorId) as { seq: number } | undefined;
      if (!row) return undefined;
      cursor = row.seq;
    }
    // Walking away from a `before` cursor means reading against the list order, then flipping.
    const ascending = (query.order === "asc") !== (query.before !== undefined);
    const conditions: string[] = [];
    const params: Array<string | number> = [];
    if (cursor !== undefined) {
      conditions.push(ascending ? "seq > ?" : "seq < ?");
      params.push(cursor);
    }
    if (query.model) {
      conditions.push("model = ?");
      params.push(query.model);
    }
    const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
    const rows = this.#db
      .prepare(`SELECT * FROM responses ${where} ORDER BY seq ${ascending ? "ASC" : "DESC"} LIMIT ?`)
      .all(...params, query.limit + 1) as Row[];
    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    if (query.before !== undefined) page.reverse();
    return { data: page.map(toRecord), hasMore };
  }

  close(): void {
    if (this.#db.open) this.#db.close();
    if (this.#temporaryDir) rmSync(this.#temporaryDir, { recursive: true, force: true });
  }
}

function toRecord(row: Row): StoredResponse {
  return {
    response: JSON.parse(row.response) as ResponseObject,
    inputItems: JSON.parse(row.input_items) as StoredInputItem[],
    context: JSON.parse(row.context) as ConversationItem[],
    messages: row.messages === null ? undefined : (JSON.parse(row.messages) as ChatMessage[]),
  };
}
