/**
 * `POST /v1/vector_stores/{id}/search` through the openai SDK (library mode) on a store
 * of 10,000 chunks of 1,536 dimensions (text-embedding-3-small's size), against the same
 * search on a store of 100 chunks, in the same process. The chunks get there the real
 * way: uploaded files, chunked (static, 100-token windows) and embedded through the
 * provider, here an in-process embeddings endpoint that hashes each text to a vector.
 */
import { createHash } from "node:crypto";
import OpenAI, { toFile } from "openai";
import { createStack } from "../stack/app.ts";
import { createPassthroughPorts } from "../stack/passthrough-ports.ts";
import { routeHosts } from "../stack/providers/route-hosts.ts";
import { llama3Tokenizer } from "../stack/vector-stores/ingestion/tokenizer.ts";
import type { BenchResult } from "./recorder.bench.ts";
import { formatMs, median, race, table } from "./stats.ts";

const DIMENSIONS = 1536;
const TARGET_MS = 50;
const WORDS = ["llama", "stack", "vector", "search", "chunk", "token", "model", "expert", "file", "store"];

/** A unit vector per text, pseudo-random from its hash: what a real model's vectors look like to the index. */
function vectorOf(text: string): number[] {
  let state = createHash("sha256").update(text).digest().readUInt32LE(0) || 1;
  const vector = new Array<number>(DIMENSIONS);
  let norm = 0;
  for (let i = 0; i < DIMENSIONS; i++) {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const value = (state >>> 0) / 2 ** 32 - 0.5;
    vector[i] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm);
  return vector.map((value) => value * scale);
}

const embeddings = async (input: string | URL | Request, init?: RequestInit) => {
  const request = input instanceof Request ? input : new Request(input, init);
  const body = (await request.json()) as { input: string[] };
  return Response.json({
    object: "list",
    model: "bench-embedding",
    data: body.input.map((text, index) => ({ object: "embedding", index, embedding: vectorOf(text) })),
    usage: { prompt_tokens: 0, total_tokens: 0 },
  });
};

/** A text of exactly `tokens` Llama 3 tokens: numbered sentences, so that every chunk differs. */
function document(seed: number, tokens: number): string {
  const sentences: string[] = [];
  for (let i = 0; sentences.length * 10 < tokens * 1.2; i++) {
    const words = Array.from({ length: 8 }, (_, j) => WORDS[(seed * 7 + i * 3 + j) % WORDS.length]);
    sentences.push(`Sentence ${seed}-${i}: ${words.join(" ")}.`);
  }
  const tokenizer = llama3Tokenizer();
  return tokenizer.decode(tokenizer.encode(sentences.join(" ")).slice(0, tokens));
}

async function storeOf(client: OpenAI, chunks: number): Promise<string> {
  const store = await client.vectorStores.create({ name: `bench-${chunks}` });
  const files = Math.max(1, Math.round(chunks / 1000));
  // Windows of 100 tokens every 50 tokens: one chunk per 50 tokens of text.
  const tokensPerFile = Math.round((chunks / files) * 50);
  for (let index = 0; index < files; index++) {
    const file = await client.files.create({
      file: await toFile(Buffer.from(document(index, tokensPerFile)), `doc${index}.txt`),
      purpose: "assistants",
    });
    const attached = await client.vectorStores.files.createAndPoll(
      store.id,
      {
        file_id: file.id,
        chunking_strategy: {
          type: "static",
          static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 50 },
        },
      },
      { pollIntervalMs: 20 },
    );
    if (attached.status !== "completed")
      throw new Error(`ingestion failed: ${JSON.stringify(attached.last_error)}`);
  }
  return store.id;
}

export async function benchVectorSearch(): Promise<BenchResult> {
  const ports = createPassthroughPorts({
    fetch: routeHosts({ "embed.local": embeddings }, globalThis.fetch),
  });
  const stack = createStack({
    ports,
    providers: [{ type: "openai-compatible", id: "bench", baseURL: "http://embed.local/v1", models: [] }],
    embeddingModel: "bench/embedding",
  });
  try {
    const client = new OpenAI({
      baseURL: "http://stack.local/v1",
      apiKey: "x",
      fetch: stack.fetch,
      maxRetries: 0,
    });
    const started = performance.now();
    const large = await storeOf(client, 10_000);
    const ingestSeconds = (performance.now() - started) / 1000;
    const small = await storeOf(client, 100);
    const largeChunks = await chunkCount(client, large);
    const smallChunks = await chunkCount(client, small);
    const search = (id: string) => () =>
      client.vectorStores.search(id, {
        query: "how many experts does the llama model have",
        max_num_results: 10,
      });
    const samples = await race(
      [
        { name: `search, ${smallChunks} chunks`, run: search(small) },
        { name: `search, ${largeChunks} chunks`, run: search(large) },
      ],
      { rounds: 5, perRound: 20, warmup: 5 },
    );
    const smallMedian = median(samples.get(`search, ${smallChunks} chunks`) ?? []);
    const largeMedian = median(samples.get(`search, ${largeChunks} chunks`) ?? []);
    return {
      title: `Vector search: POST /v1/vector_stores/{id}/search through the SDK, ${DIMENSIONS} dimensions (median per call)`,
      lines: [
        table(
          ["store", "median", "vs small store"],
          [
            [`${smallChunks} chunks`, formatMs(smallMedian), "1.00x"],
            [`${largeChunks} chunks`, formatMs(largeMedian), `${(largeMedian / smallMedian).toFixed(2)}x`],
          ],
        ),
        `ingesting ${largeChunks} chunks (upload, chunk, embed, store) took ${ingestSeconds.toFixed(1)} s`,
      ],
      checks: [
        {
          target: `search at ${largeChunks} chunks answers in under ${TARGET_MS} ms (median ${formatMs(largeMedian)})`,
          ok: largeChunks >= 10_000 && largeMedian < TARGET_MS,
        },
      ],
    };
  } finally {
    await stack.idle();
    stack.close();
  }
}

async function chunkCount(client: OpenAI, storeId: string): Promise<number> {
  let total = 0;
  for await (const file of client.vectorStores.files.list(storeId)) {
    const content = (await client.get(`/vector_stores/${storeId}/files/${file.id}/content`)) as {
      content: unknown[];
    };
    total += content.content.length;
  }
  return total;
}
