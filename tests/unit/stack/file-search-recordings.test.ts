/**
 * Llama Stack 0.2's recordings of its file_search tests, replayed through the stack
 * under their Python test ids: uploads, attachment and search send the embeddings
 * requests Llama Stack sent (same chunk texts, so they replay), mint the file ids it
 * minted, and find what it found, with the scores and attributes it printed for the model.
 */
import { expect, test } from "@playwright/test";
import { toFile } from "openai";
import { knowledgeSearchParts } from "../../../stack/tools/file-search/knowledge-search.ts";
import type { SearchHit } from "../../../stack/vector-stores/objects.ts";
import {
  EMBEDDING,
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
  test_response_file_search_filter_by_region: { type: "eq", key: "region", value: "us" },
  test_response_file_search_filter_by_category: { type: "eq", key: "category", value: "marketing" },
  test_response_file_search_filter_by_date_range: {
    type: "and",
    filters: [
      { type: "gte", key: "date", value: 1672531200 },
      { type: "lt", key: "date", value: 1680307200 },
    ],
  },
  test_response_file_search_filter_compound_and: {
    type: "and",
    filters: [
      { type: "eq", key: "region", value: "us" },
      { type: "eq", key: "category", value: "engineering" },
    ],
  },
  test_response_file_search_filter_compound_or: {
    type: "or",
    filters: [
      { type: "eq", key: "category", value: "marketing" },
      { type: "eq", key: "category", value: "sales" },
    ],
  },
} as const;

const idOf = (name: string) =>
  `tests/integration/responses/test_file_search.py::${name}[openai_client-txt=openai/gpt-4o]`;

for (const [name, filters] of Object.entries(FILTER_TESTS)) {
  test(`${name}: ingestion and search replay Llama Stack's embeddings and find what it found`, async () => {
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
