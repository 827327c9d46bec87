/** SQLite persistence: concurrency, a database per stack, temporary by default. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { collect, MODEL, startTestStack } from "./helpers.ts";

test("20 concurrent creates are all stored and retrievable", async () => {
  const { client, stack } = startTestStack();
  try {
    const created = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        if (index % 2 === 0) return client.responses.create({ model: MODEL, input: `plain ${index}` });
        const events = await collect(
          await client.responses.create({ model: MODEL, input: `streamed ${index}`, stream: true }),
        );
        const last = events.at(-1);
        if (last?.type !== "response.completed") throw new Error(`request ${index} ended with ${last?.type}`);
        return last.response;
      }),
    );
    const ids = created.map((response) => response.id);
    expect(new Set(ids).size).toBe(20);
    const retrieved = await Promise.all(ids.map((id) => client.responses.retrieve(id)));
    expect(retrieved.map((response) => [response.id, response.output_text])).toEqual(
      ids.map((id) => [id, "Stored safely."]),
    );
    const inputs = await Promise.all(ids.map((id) => client.responses.inputItems.list(id)));
    expect(inputs.map((page) => page.data.length)).toEqual(Array(20).fill(1));
    const list = (await client.get("/responses", { query: { limit: 100 } })) as {
      data: Array<{ id: string }>;
    };
    expect(new Set(list.data.map((item) => item.id))).toEqual(new Set(ids));
  } finally {
    stack.close();
  }
});

test("responses survive a restart when the stack is given a database file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stack-store-test-"));
  const dbPath = join(dir, "responses.db");
  try {
    const before = startTestStack({ dbPath });
    const first = await before.client.responses.create({ model: MODEL, input: "Remember 7." });
    before.stack.close();
    expect(existsSync(dbPath)).toBe(true);

    // A second process on the same file: its ids must not collide with the first one's.
    const after = startTestStack({ dbPath, idTag: "again" });
    try {
      expect((await after.client.responses.retrieve(first.id)).output_text).toBe("Remember the number 7.");
      const second = await after.client.responses.create({
        model: MODEL,
        input: "What was it?",
        previous_response_id: first.id,
      });
      expect(second.output_text).toBe("The number was 7.");
      const list = (await after.client.get("/responses", { query: { order: "asc" } })) as {
        data: Array<{ id: string }>;
      };
      expect(list.data.map((item) => item.id)).toEqual([first.id, second.id]);
    } finally {
      after.stack.close();
    }
    expect(existsSync(dbPath)).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the temporary database is removed on close", async () => {
  const { client, stack } = startTestStack();
  await client.responses.create({ model: MODEL, input: "x" });
  expect(existsSync(stack.dbPath)).toBe(true);
  stack.close();
  expect(existsSync(stack.dbPath)).toBe(false);
});
