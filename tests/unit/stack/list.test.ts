/** Listing, paging, input items, deletion, models and health. */
import { expect, test } from "@playwright/test";
import { BadRequestError, NotFoundError } from "openai";
import type { ResponseItem } from "openai/resources/responses/responses";
import { MODEL, startTestStack } from "./helpers.ts";

interface ListPage {
  object: "list";
  data: Array<{ id: string; input: unknown[] }>;
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

test("lists responses newest first, a page at a time", async () => {
  const { client, stack } = startTestStack();
  try {
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      ids.push((await client.responses.create({ model: MODEL, input: `request ${index}` })).id);
    }
    const newestFirst = [...ids].reverse();

    const first = (await client.get("/responses", { query: { limit: 2 } })) as ListPage;
    expect(first).toMatchObject({
      object: "list",
      has_more: true,
      first_id: newestFirst[0],
      last_id: newestFirst[1],
    });
    expect(first.data.map((item) => item.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.data[0]?.input).toEqual([
      expect.objectContaining({ content: [{ type: "input_text", text: "request 4" }] }),
    ]);

    const second = (await client.get("/responses", {
      query: { limit: 2, after: first.last_id },
    })) as ListPage;
    expect(second.data.map((item) => item.id)).toEqual(newestFirst.slice(2, 4));
    expect(second.has_more).toBe(true);
    const third = (await client.get("/responses", {
      query: { limit: 2, after: second.last_id },
    })) as ListPage;
    expect(third.data.map((item) => item.id)).toEqual(newestFirst.slice(4));
    expect(third.has_more).toBe(false);

    const before = (await client.get("/responses", {
      query: { limit: 2, before: third.first_id },
    })) as ListPage;
    expect(before.data.map((item) => item.id)).toEqual(newestFirst.slice(2, 4));
    expect(before.has_more).toBe(true);

    const oldestFirst = (await client.get("/responses", { query: { order: "asc" } })) as ListPage;
    expect(oldestFirst.data.map((item) => item.id)).toEqual(ids);
    expect(oldestFirst.has_more).toBe(false);

    const byModel = (await client.get("/responses", { query: { model: "other/model" } })) as ListPage;
    expect(byModel).toEqual({ object: "list", data: [], first_id: null, last_id: null, has_more: false });

    await expect(client.get("/responses", { query: { limit: 0 } })).rejects.toBeInstanceOf(BadRequestError);
    await expect(client.get("/responses", { query: { after: "resp_unknown" } })).rejects.toBeInstanceOf(
      BadRequestError,
    );
  } finally {
    stack.close();
  }
});

test("input items are listed newest first and paginate with the SDK", async () => {
  const { client, stack } = startTestStack();
  try {
    const response = await client.responses.create({
      model: MODEL,
      input: [
        { role: "system", content: "Count the items." },
        { role: "user", content: "one" },
        { role: "assistant", content: "two" },
        { role: "user", content: [{ type: "input_text", text: "three" }] },
      ],
    });
    const texts = (items: ResponseItem[]) =>
      items.map((item) => {
        const part = item.type === "message" ? item.content[0] : undefined;
        return part && "text" in part ? part.text : item.type;
      });

    const firstPage = await client.responses.inputItems.list(response.id, { limit: 3 });
    expect(texts(firstPage.data)).toEqual(["three", "two", "one"]);
    expect(firstPage.has_more).toBe(true);

    const all: ResponseItem[] = [];
    for await (const item of client.responses.inputItems.list(response.id, { limit: 1 })) all.push(item);
    expect(texts(all)).toEqual(["three", "two", "one", "Count the items."]);
    expect(new Set(all.map((item) => item.id)).size).toBe(4);
    expect(all[1]).toMatchObject({
      role: "assistant",
      content: [{ type: "output_text", text: "two", annotations: [] }],
    });

    const ascending = await client.responses.inputItems.list(response.id, { order: "asc" });
    expect(texts(ascending.data)).toEqual(["Count the items.", "one", "two", "three"]);
  } finally {
    stack.close();
  }
});

test("a deleted response is gone", async () => {
  const { client, stack } = startTestStack();
  try {
    const response = await client.responses.create({ model: MODEL, input: "Delete me." });
    const raw = await stack.fetch(`http://stack.local/v1/responses/${response.id}`, { method: "DELETE" });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ id: response.id, object: "response", deleted: true });
    await expect(client.responses.retrieve(response.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.responses.delete(response.id)).rejects.toBeInstanceOf(NotFoundError);
    const list = (await client.get("/responses")) as ListPage;
    expect(list.data).toEqual([]);
  } finally {
    stack.close();
  }
});

test("models lists the configured providers' models, by their prefixed ids", async () => {
  const { client, stack } = startTestStack({
    providers: [
      { type: "scripted" },
      {
        type: "openai-compatible",
        id: "ollama",
        baseURL: "http://127.0.0.1:9/v1",
        models: ["ollama/llama3.2:3b"],
      },
    ],
  });
  try {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models).toEqual([
      { id: "scripted/assistant", object: "model", created: 0, owned_by: "scripted" },
      { id: "scripted/embedding", object: "model", created: 0, owned_by: "scripted" },
      { id: "ollama/llama3.2:3b", object: "model", created: 0, owned_by: "ollama" },
    ]);
    expect(await client.models.retrieve("ollama/llama3.2:3b")).toMatchObject({ id: "ollama/llama3.2:3b" });
    await expect(client.models.retrieve("nobody/nothing")).rejects.toBeInstanceOf(NotFoundError);
  } finally {
    stack.close();
  }
});

test("health answers at /v1/health and /health", async () => {
  const { stack } = startTestStack();
  try {
    for (const path of ["/v1/health", "/health"]) {
      const raw = await stack.fetch(`http://stack.local${path}`);
      expect(raw.status).toBe(200);
      expect(await raw.json()).toEqual({ status: "OK" });
    }
  } finally {
    stack.close();
  }
});
