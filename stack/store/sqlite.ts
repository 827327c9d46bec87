/**
 * Opens the stack's SQLite database the way every store uses it: WAL, so that a second
 * process (a server next to a CLI) reads while one writes; a busy timeout instead of an
 * immediate SQLITE_BUSY; foreign keys enforced, so deletes cascade.
 */
import Database from "better-sqlite3";

export function openSqlite(path: string): Database.Database {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  return db;
}
