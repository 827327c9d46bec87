/**
 * `/v1/vector_stores`: stores, their files, file batches and search, in OpenAI's shapes.
 * A file or batch still in progress is answered with `openai-poll-after-ms`, which the
 * SDK's `poll` helpers honour instead of waiting their default five seconds.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import {
  attachFileSchema,
  createBatchSchema,
  createStoreSchema,
  fileStatusSchema,
  searchSchema,
  updateFileSchema,
  updateStoreSchema,
} from "../vector-stores/schemas.ts";
import type { VectorStoreService } from "../vector-stores/service.ts";
import { parseJson, parseValue } from "./json-body.ts";
import { listPage, parsePageQuery } from "./pagination.ts";

const POLL_AFTER_MS = "50";
const filesQuery = z.object({ filter: fileStatusSchema.optional() });

export function vectorStoresRoutes(service: VectorStoreService): Hono {
  const app = new Hono();
  const store = (c: Context) => c.req.param("store") as string;
  const file = (c: Context) => c.req.param("file") as string;
  const batch = (c: Context) => c.req.param("batch") as string;

  app.post("/vector_stores", async (c) => c.json(service.create(await parseJson(c, createStoreSchema))));
  app.get("/vector_stores", (c) => {
    const page = service.list(parsePageQuery(c.req.query()));
    return c.json(listPage(page.data, page.hasMore));
  });
  app.get("/vector_stores/:store", (c) => c.json(service.retrieve(store(c))));
  app.post("/vector_stores/:store", async (c) =>
    c.json(service.update(store(c), await parseJson(c, updateStoreSchema))),
  );
  app.delete("/vector_stores/:store", (c) => c.json(service.delete(store(c))));

  app.post("/vector_stores/:store/search", async (c) =>
    c.json(await service.search(store(c), await parseJson(c, searchSchema))),
  );

  app.post("/vector_stores/:store/files", async (c) =>
    pollable(c, service.attach(store(c), await parseJson(c, attachFileSchema))),
  );
  app.get("/vector_stores/:store/files", (c) => {
    const { filter } = parseValue(filesQuery, { filter: c.req.query("filter") });
    const page = service.listFiles(store(c), { ...parsePageQuery(c.req.query()), status: filter });
    return c.json(listPage(page.data, page.hasMore));
  });
  app.get("/vector_stores/:store/files/:file", (c) => pollable(c, service.retrieveFile(store(c), file(c))));
  app.post("/vector_stores/:store/files/:file", async (c) =>
    c.json(service.updateFile(store(c), file(c), (await parseJson(c, updateFileSchema)).attributes)),
  );
  app.delete("/vector_stores/:store/files/:file", (c) => c.json(service.deleteFile(store(c), file(c))));
  app.get("/vector_stores/:store/files/:file/content", (c) => c.json(service.fileContent(store(c), file(c))));

  app.post("/vector_stores/:store/file_batches", async (c) =>
    pollable(c, service.createBatch(store(c), await parseJson(c, createBatchSchema))),
  );
  app.get("/vector_stores/:store/file_batches/:batch", (c) =>
    pollable(c, service.retrieveBatch(store(c), batch(c))),
  );
  app.post("/vector_stores/:store/file_batches/:batch/cancel", (c) =>
    c.json(service.cancelBatch(store(c), batch(c))),
  );
  app.get("/vector_stores/:store/file_batches/:batch/files", (c) => {
    service.retrieveBatch(store(c), batch(c));
    const { filter } = parseValue(filesQuery, { filter: c.req.query("filter") });
    const page = service.listFiles(store(c), {
      ...parsePageQuery(c.req.query()),
      status: filter,
      batchId: batch(c),
    });
    return c.json(listPage(page.data, page.hasMore));
  });

  return app;
}

function pollable(c: Context, body: { status: string }) {
  if (body.status === "in_progress") c.header("openai-poll-after-ms", POLL_AFTER_MS);
  return c.json(body);
}
