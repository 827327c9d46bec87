/**
 * `file_search` in Responses on the scripted setup: the model sees knowledge_search,
 * reads Llama Stack's result text, and its answer's markers become file_citation
 * annotations; file_search_call items, their events, and `include`.
 */
import { expect, test } from "@playwright/test";
import type OpenAI from "openai";
import { toFile } from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { collect, MODEL, startTestStack } from "./helpers.ts";

const EMBEDDING_MODEL = "scripted/embedding";
const KNOWLEDGE_SEARCH_TOOL = {
  type: "function",
  function: {
    name: "knowledge_search",
    description: "Search for information in a database.",
    parameters: {
      type: "object",
      properties: {
        query: {
          type: "string",
          description: "The query to search for. Can be a natural language sentence or keywords.",
        },
      },
      required: ["query"],
    },
  },
};

async function storeWith(client: OpenAI, text: string | undefined) {
  const store = await client.vectorStores.create({ name: "docs" });
  if (text === undefined) return { store, file: undefined };
  const file = await client.files.create({
    file: await toFile(Buffer.from(text), "maverick.txt"),
    purpose: "assistants",
  });
  await client.vectorStores.files.createAndPoll(store.id, {
    file_id: file.id,
    attributes: { topic: "models" },
  });
  return { store, file };
}

test("the model searches, reads Llama Stack's result text and cites the file", async () => {
  const { client, stack, calls } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const { store, file } = await storeWith(client, "Llama 4 Maverick has 128 experts");
    expect(file?.id).toBe("file-test1");
    const response = await client.responses.create({
      model: MODEL,
      input: "How many experts does the Llama 4 Maverick model have?",
      tools: [{ type: "file_search", vector_store_ids: [store.id] }],
      include: ["file_search_call.results"],
    });
    const [call, message] = response.output;
    expect(call).toMatchObject({
      type: "file_search_call",
      status: "completed",
      queries: ["Llama 4 Maverick experts"],
      results: [
        {
          file_id: "file-test1",
          filename: "maverick.txt",
          text: "Llama 4 Maverick has 128 experts",
          attributes: { topic: "models", filename: "maverick.txt", document_id: "file-test1" },
        },
      ],
    });
    expect(call?.type === "file_search_call" && call.results?.[0]?.score).toBeGreaterThan(0);
    expect(message?.type === "message" && message.content[0]).toEqual({
      type: "output_text",
      text: "Llama 4 Maverick has 128 experts.",
      annotations: [{ type: "file_citation", file_id: "file-test1", filename: "maverick.txt", index: 32 }],
      logprobs: [],
    });

    const chats = calls.filter((upstream) => upstream.url.endsWith("/chat/completions"));
    expect(chats[0]?.body.tools).toEqual([KNOWLEDGE_SEARCH_TOOL]);
    const toolMessage = chats[1]?.body.messages.at(-1) as { role: string; content: Array<{ text: string }> };
    expect(toolMessage.role).toBe("tool");
    const texts = toolMessage.content.map((part) => part.text);
    expect(texts[0]).toBe("knowledge_search tool found 1 chunks:\nBEGIN of knowledge_search tool results.\n");
    expect(texts[1]).toMatch(
      /^\[1\] document_id: file-test1, score: \d+\.\d+, attributes: \{'topic': 'models', 'filename': 'maverick\.txt', 'document_id': 'file-test1', 'token_count': 10\.0, 'metadata_token_count': \d+\.0\} \(cite as <\|file-test1\|>\)\nLlama 4 Maverick has 128 experts\n$/,
    );
    expect(texts[2]).toBe("END of knowledge_search tool results.\n");
    expect(texts[3]).toContain('"Llama 4 Maverick experts". Use them as supporting information only');
    expect(texts[3]).toContain("using `<|file-id|>` format");
    // The answer goes back upstream as the model wrote it, markers included.
    const stored = await client.responses.retrieve(response.id);
    expect(stored.output).toEqual(response.output);
  } finally {
    stack.close();
  }
});

test("streaming: file_search_call events between the item's added and done", async () => {
  const { client, stack } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const { store } = await storeWith(client, "Llama 4 Maverick has 128 experts");
    const events = await collect(
      await client.responses.create({
        model: MODEL,
        input: "How many experts?",
        tools: [{ type: "file_search", vector_store_ids: [store.id] }],
        stream: true,
      }),
    );
    const call = events.filter(
      (event): event is Extract<ResponseStreamEvent, { output_index: number }> =>
        "output_index" in event && event.output_index === 0,
    );
    expect(call.map((event) => event.type)).toEqual([
      "response.output_item.added",
      "response.file_search_call.in_progress",
      "response.file_search_call.searching",
      "response.file_search_call.completed",
      "response.output_item.done",
    ]);
    const itemId = call[0]?.type === "response.output_item.added" ? call[0].item.id : "";
    for (const event of call.slice(1, 4)) expect(event).toMatchObject({ item_id: itemId });
    const last = events.at(-1);
    expect(last?.type).toBe("response.completed");
    if (last?.type !== "response.completed") return;
    const answer = last.response.output.at(-1);
    expect(answer?.type === "message" && answer.content[0]).toMatchObject({
      text: "It has 128 experts.",
      annotations: [{ type: "file_citation", file_id: "file-test1", index: 18 }],
    });
    // The deltas streamed the model's text as it came; the finished part carries the annotation.
    const deltas = events.flatMap((event) =>
      event.type === "response.output_text.delta" ? [event.delta] : [],
    );
    expect(deltas.join("")).toContain("<|file-test1|>");
    const done = events.find((event) => event.type === "response.output_text.done");
    expect(done?.type === "response.output_text.done" && done.text).toBe("It has 128 experts.");
  } finally {
    stack.close();
  }
});

test("without include, the call's results are left out", async () => {
  const { client, stack } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const { store } = await storeWith(client, "Llama 4 Maverick has 128 experts");
    const response = await client.responses.create({
      model: MODEL,
      input: "How many experts?",
      tools: [{ type: "file_search", vector_store_ids: [store.id] }],
    });
    expect(response.output[0]).toMatchObject({
      type: "file_search_call",
      status: "completed",
      results: null,
    });
  } finally {
    stack.close();
  }
});

test("an empty or missing vector store finds nothing, and the model is told so", async () => {
  const { client, stack, calls } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const { store } = await storeWith(client, undefined);
    const response = await client.responses.create({
      model: MODEL,
      input: "How many experts does the Llama 4 Maverick model have?",
      tools: [{ type: "file_search", vector_store_ids: [store.id, "vs_gone"] }],
      include: ["file_search_call.results"],
    });
    expect(response.output[0]).toMatchObject({ type: "file_search_call", status: "completed", results: [] });
    expect(response.output_text).toBe("I found nothing about that.");
    const chats = calls.filter((upstream) => upstream.url.endsWith("/chat/completions"));
    const toolMessage = chats[1]?.body.messages.at(-1) as { content: Array<{ text: string }> };
    expect(toolMessage.content.map((part) => part.text)).toEqual([
      "knowledge_search tool found 0 chunks:\nBEGIN of knowledge_search tool results.\n",
      "END of knowledge_search tool results.\n",
      'The above results were retrieved to help answer the user\'s query: "Llama 4 Maverick experts". Use them as supporting information only in answering this query.\n',
    ]);
  } finally {
    stack.close();
  }
});

test("a call without a query fails, and the model is told why", async () => {
  const { client, stack } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    const { store } = await storeWith(client, "text");
    const response = await client.responses.create({
      model: MODEL,
      input: "Search.",
      tools: [{ type: "file_search", vector_store_ids: [store.id] }],
    });
    expect(response.output[0]).toMatchObject({ type: "file_search_call", status: "failed" });
    expect(response.output_text).toBe("The search failed.");
  } finally {
    stack.close();
  }
});

test("a bad file_search entry is a 400 naming the field, before any inference", async () => {
  const { client, stack, calls } = startTestStack({ embeddingModel: EMBEDDING_MODEL });
  try {
    await expect(
      client.responses.create({ model: MODEL, input: "x", tools: [{ type: "file_search" } as never] }),
    ).rejects.toMatchObject({ status: 400, param: "tools[0].vector_store_ids" });
    await expect(
      client.responses.create({
        model: MODEL,
        input: "x",
        tools: [
          {
            type: "file_search",
            vector_store_ids: ["vs_1"],
            filters: { type: "like", key: "a", value: 1 } as never,
          },
        ],
      }),
    ).rejects.toMatchObject({ status: 400, param: "tools[0].filters.type" });
    expect(calls).toEqual([]);
  } finally {
    stack.close();
  }
});
