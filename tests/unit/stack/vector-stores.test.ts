/**
 * Vector stores through the official SDK on the scripted setup (scripted/embedding):
 * upload → attach → poll → search, filters, thresholds, batches, deletes, bad input.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import type OpenAI from "openai";
import { toFile } from "openai";
import { llama3Tokenizer } from "../../../stack/vector-stores/ingestion/tokenizer.ts";
import { libraryClient, startTestStack, testIdOf } from "./helpers.ts";
import { FIXTURES } from "./support/llama-stack-recordings.ts";

const EMBEDDING_MODEL = "scripted/embedding";

const REPORTS = [
  {
    name: "us_marketing_q1.txt",
    text: "US promotional campaigns for Q1. Revenue grew in the US region.",
    attributes: { region: "us", category: "marketing", quarter: 1, public: true },
  },
  {
    name: "us_engineering_q2.md",
    text: "# US engineering\nTechnical updates for Q2: new features shipped in the US region.",
    attributes: { region: "us", category: "engineering", quarter: 2, public: false },
  },
  {
    name: "eu_marketing_q1.json",
    text: JSON.stringify({ summary: "European advertising campaign results for Q1" }),
    attributes: { region: "eu", category: "marketing", quarter: 1, public: true },
  },
  {
    name: "asia_sales_q3.txt",
    text: "Asia Pacific sales figures for Q3: a record quarter in Asia.",
    attributes: { region: "asia", category: "sales", quarter: 3, public: false },
  },
];

async function upload(client: OpenAI, name: string, content: string | Buffer) {
  return client.files.create({ file: await toFile(Buffer.from(content), name), purpose: "assistants" });
}

async function storeWithReports(client: OpenAI) {
  const store = await client.vectorStores.create({ name: "reports" });
  const files: Record<string, string> = {};
  for (const report of REPORTS) {
    const file = await upload(client, report.name, report.text);
    files[report.name] = file.id;
    const attached = await client.vectorStores.files.create(store.id, {
      file_id: file.id,
      attributes: report.attributes,
    });
    // Ingestion runs in the background: the file is in progress until its chunks are stored.
    expect(attached.status).toBe("in_progress");
    const done = await client.vectorStores.files.poll(store.id, file.id);
    expect(done).toMatchObject({ status: "completed", last_error: null, attributes: report.attributes });
  }
  return { store, files };
}

async function searchNames(
  client: OpenAI,
  storeId: string,
  params: Omit<OpenAI.VectorStores.VectorStoreSearchParams, "query"> & { query?: string },
) {
  const page = await client.vectorStores.search(storeId, {
    query: "campaign results and updates",
    ...params,
  });
  return page.data.map((hit) => hit.filename).sort();
}

test("upload, attach, poll and search: hits carry the file, its attributes, a score and the chunk text", async () => {
  const { client, stack, calls } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const { store, files } = await storeWithReports(client);
    const page = await client.vectorStores.search(store.id, { query: "Asia Pacific sales figures" });
    const top = page.data[0];
    expect(top).toMatchObject({
      file_id: files["asia_sales_q3.txt"],
      filename: "asia_sales_q3.txt",
      attributes: {
        region: "asia",
        category: "sales",
        quarter: 3,
        public: false,
        filename: "asia_sales_q3.txt",
      },
      content: [{ type: "text", text: REPORTS[3]?.text }],
    });
    expect(top?.score).toBeGreaterThan(page.data[1]?.score ?? Number.POSITIVE_INFINITY);
    expect(page.data).toHaveLength(4);

    const retrieved = await client.vectorStores.retrieve(store.id);
    expect(retrieved.file_counts).toEqual({
      in_progress: 0,
      completed: 4,
      failed: 0,
      cancelled: 0,
      total: 4,
    });
    expect(retrieved.status).toBe("completed");
    expect(retrieved.usage_bytes).toBeGreaterThan(0);

    // Each file's chunks went to the provider's /embeddings, as Llama Stack sends them.
    const embeddings = calls.filter((call) => call.url.endsWith("/embeddings"));
    expect(embeddings[0]?.body).toEqual({
      model: EMBEDDING_MODEL,
      input: [REPORTS[0]?.text],
      encoding_format: "float",
    });
    expect(embeddings.at(-1)?.body.input).toEqual(["Asia Pacific sales figures"]);
  } finally {
    stack.close();
  }
});

test("every comparison filter and the compound ones select by attributes", async () => {
  const { client, stack } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const { store } = await storeWithReports(client);
    const [usMarketing, usEngineering, euMarketing, asiaSales] = REPORTS.map((report) => report.name);
    const by = (filters: unknown) => searchNames(client, store.id, { filters: filters as never });
    expect(await by({ type: "eq", key: "region", value: "us" })).toEqual([usEngineering, usMarketing].sort());
    expect(await by({ type: "ne", key: "region", value: "us" })).toEqual([asiaSales, euMarketing].sort());
    expect(await by({ type: "gt", key: "quarter", value: 1 })).toEqual([asiaSales, usEngineering].sort());
    expect(await by({ type: "gte", key: "quarter", value: 2 })).toEqual([asiaSales, usEngineering].sort());
    expect(await by({ type: "lt", key: "quarter", value: 2 })).toEqual([euMarketing, usMarketing].sort());
    expect(await by({ type: "lte", key: "quarter", value: 1 })).toEqual([euMarketing, usMarketing].sort());
    expect(await by({ type: "eq", key: "public", value: true })).toEqual([euMarketing, usMarketing].sort());
    expect(await by({ type: "eq", key: "filename", value: asiaSales })).toEqual([asiaSales]);
    // A key no file has matches nothing; ordering a string against a number matches nothing.
    expect(await by({ type: "eq", key: "owner", value: "me" })).toEqual([]);
    expect(await by({ type: "gt", key: "region", value: 3 })).toEqual([]);
    expect(
      await by({
        type: "and",
        filters: [
          { type: "eq", key: "region", value: "us" },
          { type: "eq", key: "category", value: "engineering" },
        ],
      }),
    ).toEqual([usEngineering]);
    expect(
      await by({
        type: "or",
        filters: [
          { type: "eq", key: "category", value: "sales" },
          {
            type: "and",
            filters: [
              { type: "eq", key: "region", value: "eu" },
              { type: "lte", key: "quarter", value: 1 },
            ],
          },
        ],
      }),
    ).toEqual([asiaSales, euMarketing].sort());
  } finally {
    stack.close();
  }
});

test("max_num_results and ranking_options.score_threshold cut the hits", async () => {
  const { client, stack } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const { store } = await storeWithReports(client);
    const all = await client.vectorStores.search(store.id, { query: "Asia Pacific sales figures" });
    expect(
      (
        await client.vectorStores.search(store.id, {
          query: "Asia Pacific sales figures",
          max_num_results: 2,
        })
      ).data,
    ).toEqual(all.data.slice(0, 2));
    const threshold = ((all.data[0]?.score ?? 0) + (all.data[1]?.score ?? 0)) / 2;
    const above = await client.vectorStores.search(store.id, {
      query: "Asia Pacific sales figures",
      ranking_options: { score_threshold: threshold },
    });
    expect(above.data).toEqual(all.data.slice(0, 1));
  } finally {
    stack.close();
  }
});

test("a PDF and a static chunking strategy: small windows make many overlapping chunks", async () => {
  const { client, stack } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const store = await client.vectorStores.create({ name: "pdf" });
    const pdf = await upload(
      client,
      "llama_stack_and_models.pdf",
      readFileSync(join(FIXTURES, "llama_stack_and_models.pdf")),
    );
    const auto = await client.vectorStores.files.createAndPoll(store.id, { file_id: pdf.id });
    expect(auto.status).toBe("completed");
    expect(auto.chunking_strategy).toEqual({
      type: "static",
      static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
    });
    const hit = (
      await client.vectorStores.search(store.id, { query: "How many experts does Llama 4 Maverick have?" })
    ).data[0];
    expect(hit?.content[0]?.text).toContain("17 billion active parameters and 128 experts");

    const small = await client.vectorStores.create({ name: "small chunks" });
    const attached = await client.vectorStores.files.createAndPoll(small.id, {
      file_id: pdf.id,
      chunking_strategy: { type: "static", static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 50 } },
    });
    expect(attached.status).toBe("completed");
    const content = (await client.get(`/vector_stores/${small.id}/files/${pdf.id}/content`)) as {
      content: Array<{ text: string }>;
    };
    // Windows of 100 tokens every 50 tokens: each chunk's second half opens the next one.
    expect(content.content.length).toBeGreaterThan(4);
    const [first = "", second = ""] = content.content.map((part) => part.text);
    const tokenizer = llama3Tokenizer();
    expect(tokenizer.encode(first)).toHaveLength(100);
    expect(second.startsWith(tokenizer.decode(tokenizer.encode(first).slice(50)))).toBe(true);
  } finally {
    stack.close();
  }
});

test("a file whose text cannot be read fails with last_error; the store counts it", async () => {
  const { client, stack } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const store = await client.vectorStores.create({ name: "mixed" });
    const image = await upload(client, "photo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const empty = await upload(client, "empty.txt", "");
    const good = await upload(client, "good.txt", "good text");
    for (const file of [image, empty, good])
      await client.vectorStores.files.createAndPoll(store.id, { file_id: file.id });
    expect(await client.vectorStores.files.retrieve(image.id, { vector_store_id: store.id })).toMatchObject({
      status: "failed",
      last_error: { code: "unsupported_file" },
    });
    expect(await client.vectorStores.files.retrieve(empty.id, { vector_store_id: store.id })).toMatchObject({
      status: "failed",
      last_error: { code: "invalid_file", message: "No chunks were generated from the file" },
    });
    expect((await client.vectorStores.retrieve(store.id)).file_counts).toEqual({
      in_progress: 0,
      completed: 1,
      failed: 2,
      cancelled: 0,
      total: 3,
    });
    const failed = await client.vectorStores.files.list(store.id, { filter: "failed" });
    expect(failed.data.map((file) => file.id).sort()).toEqual([image.id, empty.id].sort());
  } finally {
    stack.close();
  }
});

test("deletes cascade: a store's file, an uploaded file, a whole store", async () => {
  const { client, stack } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const { store, files } = await storeWithReports(client);
    const query = { query: "US region" };
    const usMarketing = files["us_marketing_q1.txt"] as string;
    const asia = files["asia_sales_q3.txt"] as string;

    expect(await client.vectorStores.files.delete(usMarketing, { vector_store_id: store.id })).toEqual({
      id: usMarketing,
      object: "vector_store.file.deleted",
      deleted: true,
    });
    const afterDetach = (await client.vectorStores.search(store.id, query)).data.map((hit) => hit.file_id);
    expect(afterDetach).not.toContain(usMarketing);
    // Detaching leaves the uploaded file alone.
    expect((await client.files.retrieve(usMarketing)).id).toBe(usMarketing);

    await client.files.delete(asia);
    const afterDelete = (await client.vectorStores.search(store.id, query)).data.map((hit) => hit.file_id);
    expect(afterDelete).not.toContain(asia);
    expect(afterDelete).toHaveLength(2);
    expect((await client.vectorStores.retrieve(store.id)).file_counts.total).toBe(2);
    await expect(
      client.vectorStores.files.retrieve(asia, { vector_store_id: store.id }),
    ).rejects.toMatchObject({ status: 404 });

    expect(await client.vectorStores.delete(store.id)).toEqual({
      id: store.id,
      object: "vector_store.deleted",
      deleted: true,
    });
    await expect(client.vectorStores.retrieve(store.id)).rejects.toMatchObject({
      status: 404,
      param: "vector_store_id",
    });
    await expect(client.vectorStores.search(store.id, query)).rejects.toMatchObject({ status: 404 });
    await expect(client.vectorStores.files.list(store.id)).rejects.toMatchObject({ status: 404 });
  } finally {
    stack.close();
  }
});

test("file batches attach several files at once, with counts and a file listing", async () => {
  const { client, stack } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const store = await client.vectorStores.create({ name: "batched" });
    const uploaded = await Promise.all(REPORTS.map((report) => upload(client, report.name, report.text)));
    const batch = await client.vectorStores.fileBatches.createAndPoll(store.id, {
      file_ids: uploaded.map((file) => file.id),
      attributes: { source: "batch" },
    });
    expect(batch).toMatchObject({
      object: "vector_store.files_batch",
      vector_store_id: store.id,
      status: "completed",
      file_counts: { in_progress: 0, completed: 4, failed: 0, cancelled: 0, total: 4 },
    });
    const listed = await client.vectorStores.fileBatches.listFiles(batch.id, { vector_store_id: store.id });
    expect(listed.data.map((file) => file.id).sort()).toEqual(uploaded.map((file) => file.id).sort());
    const page = await client.vectorStores.search(store.id, {
      query: "Q1",
      filters: { type: "eq", key: "source", value: "batch" },
    });
    expect(page.data.length).toBe(4);
    await expect(
      client.vectorStores.fileBatches.cancel(batch.id, { vector_store_id: store.id }),
    ).rejects.toMatchObject({
      status: 400,
      param: "batch_id",
    });
  } finally {
    stack.close();
  }
});

test("concurrent uploads and attachments all complete", async () => {
  const { client, stack } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const store = await client.vectorStores.create({ name: "busy" });
    const attached = await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const file = await upload(
          client,
          `doc${index}.txt`,
          `Document number ${index} talks about topic${index}.`,
        );
        return client.vectorStores.files.createAndPoll(store.id, { file_id: file.id });
      }),
    );
    expect(attached.every((file) => file.status === "completed")).toBe(true);
    expect((await client.vectorStores.retrieve(store.id)).file_counts.completed).toBe(10);
    const hit = (await client.vectorStores.search(store.id, { query: "topic7" })).data[0];
    expect(hit?.filename).toBe("doc7.txt");
  } finally {
    stack.close();
  }
});

test("stores: list, update, and only the test's own in its listing", async () => {
  const { client, stack } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const first = await client.vectorStores.create({ name: "first", metadata: { team: "a" } });
    const second = await client.vectorStores.create({ name: "second" });
    await libraryClient(stack, `${testIdOf()} (another test)`).vectorStores.create({ name: "not mine" });
    expect((await client.vectorStores.list()).data.map((store) => store.name)).toEqual(["second", "first"]);
    expect(
      (await client.vectorStores.list({ limit: 1, after: second.id })).data.map((store) => store.id),
    ).toEqual([first.id]);
    const updated = await client.vectorStores.update(first.id, { name: "renamed", metadata: { team: "b" } });
    expect(updated).toMatchObject({ id: first.id, name: "renamed", metadata: { team: "b" } });
  } finally {
    stack.close();
  }
});

test("bad input: unknown store or file is a 404, a bad filter or strategy a 400 naming the field", async () => {
  const { client, stack } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const store = await client.vectorStores.create({ name: "strict" });
    const file = await upload(client, "a.txt", "some text");
    await expect(client.vectorStores.files.create("vs_missing", { file_id: file.id })).rejects.toMatchObject({
      status: 404,
      param: "vector_store_id",
    });
    await expect(
      client.vectorStores.files.create(store.id, { file_id: "file-missing" }),
    ).rejects.toMatchObject({
      status: 404,
      param: "file_id",
    });
    await expect(client.vectorStores.create({ file_ids: [file.id, "file-missing"] })).rejects.toMatchObject({
      status: 404,
      param: "file_ids[1]",
    });
    await expect(
      client.vectorStores.search(store.id, {
        query: "x",
        filters: { type: "between", key: "a", value: 1 } as never,
      }),
    ).rejects.toMatchObject({ status: 400, param: "filters.type" });
    await expect(
      client.vectorStores.search(store.id, {
        query: "x",
        filters: { type: "and", filters: [{ type: "eq", key: "a", value: { nested: 1 } }] } as never,
      }),
    ).rejects.toMatchObject({ status: 400, param: "filters.filters[0].value" });
    await expect(
      client.vectorStores.search(store.id, { query: "x", max_num_results: 0 }),
    ).rejects.toMatchObject({
      status: 400,
      param: "max_num_results",
    });
    await expect(
      client.vectorStores.files.create(store.id, {
        file_id: file.id,
        chunking_strategy: {
          type: "static",
          static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 80 },
        },
      }),
    ).rejects.toMatchObject({ status: 400, param: "chunking_strategy.static" });
    await expect(
      client.vectorStores.create({ name: "x", embedding_model: "nobody/embed" } as never),
    ).rejects.toMatchObject({ status: 400, param: "embedding_model" });
    await expect(client.vectorStores.files.list(store.id, { filter: "done" as never })).rejects.toMatchObject(
      {
        status: 400,
        param: "filter",
      },
    );
  } finally {
    stack.close();
  }
});
