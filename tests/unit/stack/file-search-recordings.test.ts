/**
 * Llama Stack 0.2's recordings of its file_search tests, replayed through the stack
 * under their Python test ids: uploads, attachment and search send the embeddings
 * requests Llama Stack sent (same chunk texts, so they replay), mint the file ids it
 * minted, and find what it found, with the scores and attributes it printed for the model.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { toFile } from "openai";
import { knowledgeSearchParts } from "../../../stack/tools/file-search/knowledge-search.ts";
import { extractText } from "../../../stack/vector-stores/ingestion/extract.ts";
import type { SearchHit } from "../../../stack/vector-stores/objects.ts";
import { collect } from "./helpers.ts";
import {
  EMBEDDING,
  FIXTURES,
  normalizeFloats,
  recordedChats,
  recordedEmbeddingInputs,
  replayingStack,
} from "./support/llama-stack-recordings.ts";

const FILTER_FILES = [
  {
    name: "us_marketing_q1.txt",
    content: "US promotional campaigns for Q1 2023. Revenue increased by 15% in the US region.",
    attributes: { region: "us", category: "marketing", date: 1672531200 },
  },
  {
    name: "us_engineering_q2.txt",
    content: "US technical updates for Q2 2023. New features deployed in the US region.",
    attributes: { region: "us", category: "engineering", date: 1680307200 },
  },
  {
    name: "eu_marketing_q1.txt",
    content: "European advertising campaign results for Q1 2023. Strong growth in EU markets.",
    attributes: { region: "eu", category: "marketing", date: 1672531200 },
  },
  {
    name: "asia_sales_q3.txt",
    content: "Asia Pacific revenue figures for Q3 2023. Record breaking quarter in Asia.",
    attributes: { region: "asia", category: "sales", date: 1688169600 },
  },
];

const FILTER_TESTS = {
  test_response_file_search_filter_by_region: {
    input: "What are the updates from the US region?",
    filters: { type: "eq", key: "region", value: "us" },
  },
  test_response_file_search_filter_by_category: {
    input: "Show me all marketing reports",
    filters: { type: "eq", key: "category", value: "marketing" },
  },
  test_response_file_search_filter_by_date_range: {
    input: "What happened in Q1 2023?",
    filters: {
      type: "and",
      filters: [
        { type: "gte", key: "date", value: 1672531200 },
        { type: "lt", key: "date", value: 1680307200 },
      ],
    },
  },
  test_response_file_search_filter_compound_and: {
    input: "What are the engineering updates from the US?",
    filters: {
      type: "and",
      filters: [
        { type: "eq", key: "region", value: "us" },
        { type: "eq", key: "category", value: "engineering" },
      ],
    },
  },
  test_response_file_search_filter_compound_or: {
    input: "Show me marketing and sales documents",
    filters: {
      type: "or",
      filters: [
        { type: "eq", key: "category", value: "marketing" },
        { type: "eq", key: "category", value: "sales" },
      ],
    },
  },
} as const;

const idOf = (name: string) =>
  `tests/integration/responses/test_file_search.py::${name}[openai_client-txt=openai/gpt-4o]`;

for (const [name, { input, filters }] of Object.entries(FILTER_TESTS)) {
  test(`${name}: ingestion, search and the whole response replay Llama Stack's recordings`, async () => {
    const testId = idOf(name);
    const { client, close } = replayingStack(testId);
    try {
      // Llama Stack's extension fields, which the Python test sends as extra_body.
      const store = await client.vectorStores.create({
        name: "test_vector_store_with_filters",
        ...EMBEDDING,
      });
      for (const file of FILTER_FILES) {
        const uploaded = await client.files.create({
          file: await toFile(Buffer.from(file.content), file.name),
          purpose: "assistants",
        });
        const attached = await client.vectorStores.files.createAndPoll(store.id, {
          file_id: uploaded.id,
          attributes: file.attributes,
        });
        expect(attached.last_error).toBeNull();
        expect(attached.status).toBe("completed");
      }

      // Every search the model asked for, answered as Llama Stack answered it. Runs recorded
      // before Llama Stack minted deterministic ids (random `file-<hex>` ids) used other
      // embeddings responses than the ones kept, so only the deterministic run is compared.
      const chats = recordedChats(testId).filter(
        (chat) => chat.messages.length > 1 && !/file-[0-9a-f]{32}/.test(JSON.stringify(chat.messages)),
      );
      expect(chats.length).toBeGreaterThan(0);
      for (const chat of chats) {
        for (const message of chat.messages.filter((item) => item.role === "tool")) {
          const call = chat.messages
            .flatMap(
              (item) => (item.tool_calls as Array<{ id: string; function: { arguments: string } }>) ?? [],
            )
            .find((toolCall) => toolCall.id === message.tool_call_id);
          const { query } = JSON.parse(call?.function.arguments ?? "{}") as { query: string };
          const page = await client.vectorStores.search(store.id, { query, filters: filters as never });
          // The tool message the model read, to the precision request hashes keep (floats in
          // strings rounded to 5 places).
          expect(
            normalizeFloats(knowledgeSearchParts(query, page.data as SearchHit[])),
            `${chat.file}: search for ${JSON.stringify(query)}`,
          ).toEqual(normalizeFloats(message.content));
        }
      }

      // The whole response: Llama Stack's first chat call (the knowledge_search tool), the
      // search, and the chat call with its tool message all replay from its recordings.
      const response = await client.responses.create({
        model: "openai/gpt-4o",
        input,
        tools: [{ type: "file_search", vector_store_ids: [store.id], filters: filters as never }],
        stream: false,
        include: ["file_search_call.results"],
      });
      // The model may search more than once (in parallel); its answer comes last.
      const calls = response.output.slice(0, -1);
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) {
        expect(call).toMatchObject({ type: "file_search_call", status: "completed" });
        // Minted per test by the recorder, so the response is the same bytes on every run.
        expect(call.id).toMatch(/^fs_\d+$/);
        expect(call.type === "file_search_call" && call.results?.length).toBeGreaterThan(0);
      }
      expect(response.output.at(-1)?.type).toBe("message");
      expect(response.output_text.length).toBeGreaterThan(0);
    } finally {
      close();
    }
  });
}

test("the embeddings requests replayed are exactly the chunk texts Llama Stack sent", () => {
  // One call per file (its single chunk), then one per search query.
  const inputs = recordedEmbeddingInputs(idOf("test_response_file_search_filter_by_region"));
  for (const file of FILTER_FILES) expect(inputs).toContainEqual([file.content]);
});

const toolResponsesId = (name: string, suffix = "") =>
  `tests/integration/responses/test_tool_responses.py::${name}[openai_client-txt=openai/gpt-4o:emb=openai/text-embedding-3-small:dim=1536${suffix}]`;

test("test_response_non_streaming_file_search (text): the file's chunk, the tool and the search replay", async () => {
  const testId = toolResponsesId("test_response_non_streaming_file_search", "-llama_experts");
  const { client, close } = replayingStack(testId);
  try {
    const store = await client.vectorStores.create({ name: "test_vector_store", ...EMBEDDING });
    const file = await client.files.create({
      file: await toFile(
        Buffer.from("Llama 4 Maverick has 128 experts"),
        "test_response_non_streaming_file_search.txt",
      ),
      purpose: "assistants",
    });
    const attached = await client.vectorStores.files.createAndPoll(store.id, { file_id: file.id });
    expect(attached).toMatchObject({ status: "completed", last_error: null });

    // Llama Stack recorded this test before it minted deterministic file ids: the chat call
    // after the search names a random file id, which no run can reproduce. Everything up to
    // it replays: the first chat call (the knowledge_search tool), the search's embeddings.
    const events = await collect(
      await client.responses.create({
        model: "openai/gpt-4o",
        input: "How many experts does the Llama 4 Maverick model have?",
        tools: [{ type: "file_search", vector_store_ids: [store.id] }],
        include: ["file_search_call.results"],
        stream: true,
      }),
    );
    const done = events.find((event) => event.type === "response.output_item.done");
    expect(done?.type === "response.output_item.done" && done.item).toMatchObject({
      type: "file_search_call",
      status: "completed",
      results: [{ file_id: file.id, text: "Llama 4 Maverick has 128 experts" }],
    });
    const last = events.at(-1);
    expect(last?.type).toBe("response.failed");
    expect(JSON.stringify(last)).toContain("/v1/chat/completions");
  } finally {
    close();
  }
});

test("test_response_non_streaming_file_search_empty_vector_store replays end to end", async () => {
  const { client, close } = replayingStack(
    toolResponsesId("test_response_non_streaming_file_search_empty_vector_store"),
  );
  try {
    const store = await client.vectorStores.create({ name: "test_vector_store", ...EMBEDDING });
    const response = await client.responses.create({
      model: "openai/gpt-4o",
      input: "How many experts does the Llama 4 Maverick model have?",
      tools: [{ type: "file_search", vector_store_ids: [store.id] }],
      stream: false,
      include: ["file_search_call.results"],
    });
    expect(response.output.length).toBeGreaterThan(1);
    expect(response.output[0]).toMatchObject({ type: "file_search_call", status: "completed", results: [] });
    expect(
      response.output[0]?.type === "file_search_call" && response.output[0].queries.length,
    ).toBeGreaterThan(0);
    expect(response.output_text.length).toBeGreaterThan(0);
  } finally {
    close();
  }
});

test("the fixture PDF: PDF.js gives pypdf's words in pypdf's order; only the whitespace differs", async () => {
  const pypdfChunks = recordedEmbeddingInputs(
    toolResponsesId("test_response_non_streaming_file_search", "-llama_experts_pdf"),
  ).find((inputs) => inputs.length === 2);
  const ours = await extractText(
    "llama_stack_and_models.pdf",
    readFileSync(join(FIXTURES, "llama_stack_and_models.pdf")),
  );
  const words = (text: string) => text.split(/\s+/).filter(Boolean);
  // The whole document is Llama Stack's first chunk (498 tokens < 800).
  expect(words(ours)).toEqual(words(pypdfChunks?.[0] ?? ""));
  // pypdf writes "Llama  Stack  \n…" and breaks justified lines word by word; PDF.js does not.
  expect(ours.startsWith("Llama Stack\nLlama Stack Overview\n")).toBe(true);
  expect(pypdfChunks?.[0]?.startsWith("Llama  Stack  \nLlama  Stack  Overview  \n")).toBe(true);
});
