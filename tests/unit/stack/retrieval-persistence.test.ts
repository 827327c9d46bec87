/**
 * Files, vector stores, chunks and vectors live in the data folder: a server restarted on
 * the same database answers as before, and ingestion cut short by a stop says so.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { toFile } from "openai";
import { startStackServer } from "../../../stack/server.ts";
import { deterministicPorts, httpClient, testIdOf } from "./helpers.ts";

const embeddingModel = "scripted/embedding";

test("a restarted server on the same data folder has the files, stores, chunks and vectors", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stack-persist-"));
  const dbPath = join(dir, "stack.db");
  const start = () =>
    startStackServer({
      ports: deterministicPorts(),
      providers: [{ type: "scripted" }],
      dbPath,
      embeddingModel,
      port: 0,
    });
  try {
    let server = await start();
    let client = httpClient(server.url, testIdOf());
    const file = await client.files.create({
      file: await toFile(Buffer.from("Llama 4 Maverick has 128 experts."), "maverick.txt"),
      purpose: "assistants",
    });
    const store = await client.vectorStores.create({ name: "kept", metadata: { keep: "yes" } });
    await client.vectorStores.files.createAndPoll(store.id, {
      file_id: file.id,
      attributes: { model: "maverick" },
    });
    const before = {
      files: (await client.files.list()).data,
      store: await client.vectorStores.retrieve(store.id),
      storeFile: await client.vectorStores.files.retrieve(file.id, { vector_store_id: store.id }),
      search: (await client.vectorStores.search(store.id, { query: "How many experts?" })).data,
    };
    expect(before.search).toHaveLength(1);
    await server.close();

    server = await start();
    client = httpClient(server.url, testIdOf());
    try {
      expect((await client.files.list()).data).toEqual(before.files);
      expect(await (await client.files.content(file.id)).text()).toBe("Llama 4 Maverick has 128 experts.");
      expect(await client.vectorStores.retrieve(store.id)).toEqual(before.store);
      expect(await client.vectorStores.files.retrieve(file.id, { vector_store_id: store.id })).toEqual(
        before.storeFile,
      );
      expect((await client.vectorStores.search(store.id, { query: "How many experts?" })).data).toEqual(
        before.search,
      );
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a file still ingesting when the server stops is failed at the next start, saying why", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stack-persist-"));
  const dbPath = join(dir, "stack.db");
  // Embeddings that never answer: the ingestion is in flight when the server stops.
  const hanging = {
    ...deterministicPorts(),
    fetch: (input: string | URL | Request) =>
      String(input instanceof Request ? input.url : input).endsWith("/embeddings")
        ? new Promise<Response>(() => {})
        : Promise.reject(new Error("unexpected upstream call")),
  };
  try {
    let server = await startStackServer({
      ports: hanging,
      providers: [{ type: "scripted" }],
      dbPath,
      embeddingModel,
      port: 0,
    });
    let client = httpClient(server.url, testIdOf());
    const file = await client.files.create({
      file: await toFile(Buffer.from("text"), "a.txt"),
      purpose: "assistants",
    });
    const store = await client.vectorStores.create({ name: "interrupted" });
    const attached = await client.vectorStores.files.create(store.id, { file_id: file.id });
    expect(attached.status).toBe("in_progress");
    await server.close();

    server = await startStackServer({
      ports: deterministicPorts(),
      providers: [{ type: "scripted" }],
      dbPath,
      embeddingModel,
      port: 0,
    });
    client = httpClient(server.url, testIdOf());
    try {
      expect(await client.vectorStores.files.retrieve(file.id, { vector_store_id: store.id })).toMatchObject({
        status: "failed",
        last_error: {
          code: "server_error",
          message: expect.stringContaining("interrupted by a stack restart"),
        },
      });
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
