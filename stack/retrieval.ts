/**
 * Files and vector stores, on their own connection to the stack's SQLite database, with
 * the uploaded bytes in a folder beside it (`stack.db` → `stack.files/`), so that a
 * server restarted on the same database finds everything again.
 */
import { basename, dirname, extname, join } from "node:path";
import { FileStore } from "./files/file-store.ts";
import type { StackPorts } from "./ports.ts";
import type { InferenceProvider } from "./providers/types.ts";
import { openSqlite } from "./store/sqlite.ts";
import { VectorStoreService } from "./vector-stores/service.ts";
import { VectorStoreDb } from "./vector-stores/store.ts";

export interface RetrievalOptions {
  dbPath: string;
  ports: Pick<StackPorts, "mintId" | "now" | "currentTestId">;
  resolveProvider(model: string): InferenceProvider;
  defaultEmbeddingModel?: string | undefined;
}

export interface Retrieval {
  files: FileStore;
  vectorStores: VectorStoreService;
  /** Where uploaded files' bytes live. */
  filesDir: string;
  close(): void;
}

export function openRetrieval(options: RetrievalOptions): Retrieval {
  const db = openSqlite(options.dbPath);
  const filesDir = join(
    dirname(options.dbPath),
    `${basename(options.dbPath, extname(options.dbPath))}.files`,
  );
  const files = new FileStore(db, filesDir);
  const vectorStores = new VectorStoreService({
    db: new VectorStoreDb(db),
    files,
    ports: options.ports,
    resolveProvider: options.resolveProvider,
    defaultEmbeddingModel: options.defaultEmbeddingModel,
  });
  return {
    files,
    vectorStores,
    filesDir,
    close: () => {
      vectorStores.close();
      if (db.open) db.close();
    },
  };
}
