/**
 * Ported from Llama Stack's tests/integration/responses/test_file_search.py (f50ce11a3):
 * structured output by `text.format`, and file search narrowed by attribute filters.
 */
import { writeFile } from "node:fs/promises";
import type OpenAI from "openai";
import type { FileSearchTool, ResponseFormatTextConfig } from "openai/resources/responses/responses";
import type { VectorStore } from "openai/resources/vector-stores/vector-stores";
import { expect, test } from "../fixtures/harness.ts";
import { BOTH_CLIENTS, portOf } from "../fixtures/ported.ts";
import { embeddingOf, newVectorStore, uploadFile } from "./helpers.ts";

const python = portOf("tests/integration/responses/test_file_search.py");

// Not testing json_object because most providers don't actually support it. pytest names a
// dict parameter by its position: text_format0, text_format1.
const textFormats: Array<{ id: string; format: ResponseFormatTextConfig }> = [
  { id: "text_format0", format: { type: "text" } },
  {
    id: "text_format1",
    format: {
      type: "json_schema",
      name: "capitals",
      description: "A schema for the capital of each country",
      schema: { type: "object", properties: { capital: { type: "string" } } },
      strict: true,
    },
  },
];

/** A value as pydantic's `model_dump(exclude_none=True)` gives it: no null fields. */
function withoutNulls(value: object): object {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== null && field !== undefined),
  );
}

python.parametrize(
  "test_response_text_format",
  BOTH_CLIENTS,
  textFormats,
  ({ format: textFormat }, declared) => {
    test(...declared, async ({ client, textModel }) => {
      const response = await client.responses.create({
        model: textModel,
        input: "What is the capital of France?",
        stream: false,
        text: { format: textFormat },
      });
      expect(withoutNulls(response.text?.format ?? {})).toEqual(textFormat);
      expect(response.output_text.toLowerCase()).toContain("paris");
      if (textFormat.type === "json_schema") {
        expect(JSON.parse(response.output_text).capital.toLowerCase()).toContain("paris");
      }
    });
  },
);

const filesData = [
  {
    name: "us_marketing_q1.txt",
    content: "US promotional campaigns for Q1 2023. Revenue increased by 15% in the US region.",
    attributes: { region: "us", category: "marketing", date: 1672531200 }, // Jan 1, 2023
  },
  {
    name: "us_engineering_q2.txt",
    content: "US technical updates for Q2 2023. New features deployed in the US region.",
    attributes: { region: "us", category: "engineering", date: 1680307200 }, // Apr 1, 2023
  },
  {
    name: "eu_marketing_q1.txt",
    content: "European advertising campaign results for Q1 2023. Strong growth in EU markets.",
    attributes: { region: "eu", category: "marketing", date: 1672531200 }, // Jan 1, 2023
  },
  {
    name: "asia_sales_q3.txt",
    content: "Asia Pacific revenue figures for Q3 2023. Record breaking quarter in Asia.",
    attributes: { region: "asia", category: "sales", date: 1688169600 }, // Jul 1, 2023
  },
];

/** Python's `vector_store_with_filtered_files` fixture: a store of four files with different attributes. */
const filterTest = test.extend<{ vectorStoreWithFilteredFiles: VectorStore }>({
  vectorStoreWithFilteredFiles: async ({ client, harness }, use, testInfo) => {
    const embedding = embeddingOf(harness);
    const vectorStore = await newVectorStore(
      client,
      "test_vector_store_with_filters",
      embedding.model,
      embedding.dimension,
    );
    const fileIds: string[] = [];
    for (const fileData of filesData) {
      const filePath = testInfo.outputPath(fileData.name);
      await writeFile(filePath, fileData.content);
      const fileResponse = await uploadFile(client, fileData.name, filePath);
      fileIds.push(fileResponse.id);

      // Attach file to vector store with attributes, and wait for it
      let attached = await client.vectorStores.files.create(vectorStore.id, {
        file_id: fileResponse.id,
        attributes: fileData.attributes,
      });
      while (attached.status === "in_progress") {
        await new Promise((resolve) => setTimeout(resolve, 100));
        attached = await client.vectorStores.files.retrieve(fileResponse.id, {
          vector_store_id: vectorStore.id,
        });
      }
      expect(attached.status).toBe("completed");
    }

    await use(vectorStore);

    // Cleanup: delete vector store and files (best effort)
    await client.vectorStores.delete(vectorStore.id).catch(() => undefined);
    for (const fileId of fileIds) await client.files.delete(fileId).catch(() => undefined);
  },
});

/** A response searching the store with `filters`; what Python's filter tests all ask first. */
async function searchWith(
  { client, textModel }: { client: OpenAI; textModel: string },
  vectorStore: VectorStore,
  input: string,
  filters: FileSearchTool["filters"],
) {
  const response = await client.responses.create({
    model: textModel,
    input,
    tools: [{ type: "file_search", vector_store_ids: [vectorStore.id], filters }],
    stream: false,
    include: ["file_search_call.results"],
  });
  const [call] = response.output;
  expect(call).toMatchObject({ type: "file_search_call", status: "completed" });
  const results = call?.type === "file_search_call" ? (call.results ?? []) : [];
  expect(results.length).toBeGreaterThan(0);
  return { response, results: results.map((result) => result.text ?? "") };
}

for (const declared of python.tests("test_response_file_search_filter_by_region", BOTH_CLIENTS)) {
  filterTest(...declared, async ({ client, textModel, vectorStoreWithFilteredFiles }) => {
    const { response, results } = await searchWith(
      { client, textModel },
      vectorStoreWithFilteredFiles,
      "What are the updates from the US region?",
      { type: "eq", key: "region", value: "us" },
    );
    // Verify file search was called with US filter
    expect(response.output.length).toBeGreaterThan(1);
    // Should only return US files (not EU or Asia files)
    for (const text of results) {
      expect(text.toLowerCase().includes("us") || text.includes("US")).toBe(true);
      // Ensure non-US regions are NOT returned
      expect(text.toLowerCase()).not.toContain("european");
      expect(text.toLowerCase()).not.toContain("asia");
    }
  });
}

for (const declared of python.tests("test_response_file_search_filter_by_category", BOTH_CLIENTS)) {
  filterTest(...declared, async ({ client, textModel, vectorStoreWithFilteredFiles }) => {
    const { results } = await searchWith(
      { client, textModel },
      vectorStoreWithFilteredFiles,
      "Show me all marketing reports",
      { type: "eq", key: "category", value: "marketing" },
    );
    // Should only return marketing files (not engineering or sales)
    for (const text of results.map((result) => result.toLowerCase())) {
      // Marketing files should have promotional/advertising content
      expect(text.includes("promotional") || text.includes("advertising")).toBe(true);
      // Ensure non-marketing categories are NOT returned
      expect(text).not.toContain("technical");
      expect(text).not.toContain("revenue figures");
    }
  });
}

for (const declared of python.tests("test_response_file_search_filter_by_date_range", BOTH_CLIENTS)) {
  filterTest(...declared, async ({ client, textModel, vectorStoreWithFilteredFiles }) => {
    const { results } = await searchWith(
      { client, textModel },
      vectorStoreWithFilteredFiles,
      "What happened in Q1 2023?",
      {
        type: "and",
        filters: [
          { type: "gte", key: "date", value: 1672531200 }, // Jan 1, 2023
          { type: "lt", key: "date", value: 1680307200 }, // Apr 1, 2023
        ],
      },
    );
    // Should only return Q1 files (not Q2 or Q3)
    for (const text of results.map((result) => result.toLowerCase())) {
      expect(text).toContain("q1");
      // Ensure non-Q1 quarters are NOT returned
      expect(text).not.toContain("q2");
      expect(text).not.toContain("q3");
    }
  });
}

for (const declared of python.tests("test_response_file_search_filter_compound_and", BOTH_CLIENTS)) {
  filterTest(...declared, async ({ client, textModel, vectorStoreWithFilteredFiles }) => {
    const { results } = await searchWith(
      { client, textModel },
      vectorStoreWithFilteredFiles,
      "What are the engineering updates from the US?",
      {
        type: "and",
        filters: [
          { type: "eq", key: "region", value: "us" },
          { type: "eq", key: "category", value: "engineering" },
        ],
      },
    );
    // Should only return US engineering files
    expect(results.length).toBeGreaterThanOrEqual(1);
    for (const text of results.map((result) => result.toLowerCase())) {
      expect(text.includes("us") && text.includes("technical")).toBe(true);
      // Ensure it's not from other regions or categories
      expect(text.includes("european") || text.includes("asia")).toBe(false);
      expect(text.includes("promotional") || text.includes("revenue")).toBe(false);
    }
  });
}

for (const declared of python.tests("test_response_file_search_filter_compound_or", BOTH_CLIENTS)) {
  filterTest(...declared, async ({ client, textModel, vectorStoreWithFilteredFiles }) => {
    const { results } = await searchWith(
      { client, textModel },
      vectorStoreWithFilteredFiles,
      "Show me marketing and sales documents",
      {
        type: "or",
        filters: [
          { type: "eq", key: "category", value: "marketing" },
          { type: "eq", key: "category", value: "sales" },
        ],
      },
    );
    // Should return marketing and sales files, but NOT engineering
    const categoriesFound = new Set<string>();
    for (const text of results.map((result) => result.toLowerCase())) {
      if (text.includes("promotional") || text.includes("advertising")) categoriesFound.add("marketing");
      if (text.includes("revenue figures")) categoriesFound.add("sales");
      // Ensure engineering files are NOT returned
      expect(text, `Engineering file should not be returned, but got: ${text}`).not.toContain("technical");
    }
    // Verify we got at least one of the expected categories
    expect(categoriesFound.size, "Should have found at least one marketing or sales file").toBeGreaterThan(0);
    for (const category of categoriesFound) expect(["marketing", "sales"]).toContain(category);
  });
}
