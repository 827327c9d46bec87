/**
 * Embeddings for ingestion and search: batches in order with bounded concurrency, float
 * and base64 answers alike, and the scripted embedding model's properties.
 */
import { expect, test } from "@playwright/test";
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from "openai/resources/embeddings";
import { createOpenAICompatibleProvider } from "../../../stack/providers/openai-compatible.ts";
import { scriptedEmbedding, scriptedEmbeddings } from "../../../stack/providers/scripted/embedding.ts";
import type { InferenceProvider } from "../../../stack/providers/types.ts";
import { embedTexts } from "../../../stack/vector-stores/ingestion/embed.ts";

function fakeProvider(answer: (params: EmbeddingCreateParams) => Promise<CreateEmbeddingResponse>) {
  const seen: EmbeddingCreateParams[] = [];
  const provider = {
    id: "fake",
    models: [],
    upstreamModel: (model: string) => model.replace(/^fake\//, ""),
    streamChat: () => Promise.reject(new Error("no chat here")),
    embed: (params: EmbeddingCreateParams) => {
      seen.push(params);
      return answer(params);
    },
  } satisfies InferenceProvider;
  return { provider, seen };
}

const asResponse = (vectors: Array<number[] | string>): CreateEmbeddingResponse => ({
  object: "list",
  model: "m",
  data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding: embedding as number[] })),
  usage: { prompt_tokens: 0, total_tokens: 0 },
});

test("texts go in batches, at most `concurrency` at once, and come back in order", async () => {
  let inFlight = 0;
  let most = 0;
  const { provider, seen } = fakeProvider(async (params) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 10));
    inFlight--;
    // Answered out of order within the batch: the index says where each goes.
    const inputs = params.input as string[];
    const response = asResponse(inputs.map((text) => [Number(text)]));
    return { ...response, data: [...response.data].reverse() };
  });
  const texts = Array.from({ length: 10 }, (_, index) => String(index));
  const vectors = await embedTexts(provider, "fake/model", texts, { batchSize: 3, concurrency: 2 });
  expect(vectors.map((vector) => vector[0])).toEqual(texts.map(Number));
  expect(seen.map((params) => params.input)).toEqual([
    ["0", "1", "2"],
    ["3", "4", "5"],
    ["6", "7", "8"],
    ["9"],
  ]);
  expect(seen.every((params) => params.model === "model" && params.encoding_format === "float")).toBe(true);
  expect(most).toBe(2);
});

test("a base64 answer decodes to the same vector as a float one", async () => {
  const vector = Float32Array.from([0.25, -1.5, 3]);
  const base64 = Buffer.from(vector.buffer).toString("base64");
  const { provider } = fakeProvider(async () => asResponse([base64]));
  expect(Array.from((await embedTexts(provider, "fake/m", ["x"]))[0] ?? [])).toEqual([0.25, -1.5, 3]);
});

test("the openai-compatible provider sends Llama Stack's body and reads either encoding", async () => {
  const bodies: unknown[] = [];
  const provider = createOpenAICompatibleProvider(
    { type: "openai-compatible", id: "openai", baseURL: "http://upstream.test/v1", apiKey: "k" },
    async (input, init) => {
      const request = new Request(input, init);
      const body = (await request.json()) as { input: string[]; encoding_format: string };
      bodies.push(body);
      return Response.json(scriptedEmbeddings({ ...body, dimensions: 4 }));
    },
  );
  const float = await embedTexts(provider, "openai/text-embedding-3-small", ["one text"]);
  const base64 = await provider.embed({ model: "x", input: ["one text"], encoding_format: "base64" });
  expect(bodies[0]).toEqual({
    model: "text-embedding-3-small",
    input: ["one text"],
    encoding_format: "float",
  });
  expect(typeof base64.data[0]?.embedding).toBe("string");
  expect(Array.from(float[0] ?? [])).toEqual(Array.from(scriptedEmbedding("one text", 4)));
});

test("scripted embeddings: unit length, deterministic, texts sharing words point alike", () => {
  const a = scriptedEmbedding("Llama 4 Maverick has 128 experts");
  const b = scriptedEmbedding("How many experts does Llama 4 Maverick have?");
  const c = scriptedEmbedding("Asia Pacific sales figures");
  const dot = (x: Float32Array, y: Float32Array) =>
    x.reduce((sum, value, i) => sum + value * (y[i] as number), 0);
  expect(a).toHaveLength(384);
  expect(dot(a, a)).toBeCloseTo(1, 5);
  expect(Array.from(scriptedEmbedding("Llama 4 Maverick has 128 experts"))).toEqual(Array.from(a));
  expect(dot(a, b)).toBeGreaterThan(dot(a, c));
  expect(scriptedEmbeddings({ input: [] })).toEqual({ error: expect.stringContaining("'input'") });
  expect(scriptedEmbeddings({ input: "x", encoding_format: "hex" })).toEqual({
    error: expect.stringContaining("'encoding_format'"),
  });
});
