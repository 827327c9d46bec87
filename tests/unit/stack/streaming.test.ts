/** `POST /v1/responses` with `stream: true`: OpenAI's event sequence, through the official SDK. */
import { expect, test } from "@playwright/test";
import { RateLimitError } from "openai";
import type { Response, ResponseStreamEvent } from "openai/resources/responses/responses";
import { collect, MODEL, startTestStack, weatherTool } from "./helpers.ts";

const TERMINAL = ["response.completed", "response.incomplete", "response.failed"];

/** What every stream must satisfy, whatever its content. Returns the terminal response. */
function expectWellFormed(events: ResponseStreamEvent[]): Response {
  const numbers = events.map((event) => event.sequence_number);
  expect(numbers[0]).toBe(0);
  for (let index = 1; index < numbers.length; index++) {
    expect(numbers[index]).toBeGreaterThan(numbers[index - 1] as number);
  }
  expect(events.slice(0, 2).map((event) => event.type)).toEqual(["response.created", "response.in_progress"]);
  const terminals = events.filter((event) => TERMINAL.includes(event.type));
  expect(terminals).toHaveLength(1);
  expect(events.at(-1)).toBe(terminals[0]);
  const created = events[0];
  if (created?.type === "response.created") {
    expect(created.response.status).toBe("in_progress");
    expect(created.response.output).toEqual([]);
  }
  const terminal = terminals[0] as ResponseStreamEvent & { response: Response };
  return terminal.response;
}

function textDeltas(events: ResponseStreamEvent[], outputIndex = 0): string {
  return events
    .flatMap((event) =>
      event.type === "response.output_text.delta" && event.output_index === outputIndex ? [event.delta] : [],
    )
    .join("");
}

test("streams text in OpenAI's event order", async () => {
  const { client, stack } = startTestStack();
  try {
    const events = await collect(
      await client.responses.create({ model: MODEL, input: "Does streaming work?", stream: true }),
    );
    const final = expectWellFormed(events);
    const types = events.map((event) => event.type);
    const deltas = types.filter((type) => type === "response.output_text.delta").length;
    expect(deltas).toBeGreaterThan(3);
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...Array(deltas).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);

    const text = "Streaming works, one word at a time.";
    expect(textDeltas(events)).toBe(text);
    const done = events.find((event) => event.type === "response.output_text.done");
    expect(done?.type === "response.output_text.done" && done.text).toBe(text);
    expect(final.status).toBe("completed");
    expect(final.output).toEqual([expect.objectContaining({ type: "message", status: "completed" })]);
    const itemDone = events.find((event) => event.type === "response.output_item.done");
    expect(itemDone?.type === "response.output_item.done" && itemDone.item).toEqual(final.output[0]);

    const retrieved = await client.responses.retrieve(final.id);
    expect({ ...retrieved, output_text: undefined }).toEqual({ ...final, output_text: undefined });
    expect(retrieved.output_text).toBe(text);
  } finally {
    stack.close();
  }
});

test("the SDK's stream helper assembles the same response that GET returns", async () => {
  const { client, stack } = startTestStack();
  try {
    const stream = client.responses.stream({ model: MODEL, input: "Assemble this." });
    const assembled = await stream.finalResponse();
    expect(assembled.output_text).toBe("Assembled by the SDK.");
    const retrieved = await client.responses.retrieve(assembled.id);
    // The helper adds its own `parsed` / `output_parsed`; everything else must agree.
    expect(assembled).toMatchObject(retrieved as unknown as Record<string, unknown>);
  } finally {
    stack.close();
  }
});

test("streams parallel function calls, each item opened and closed in order", async () => {
  const { client, stack } = startTestStack();
  try {
    const events = await collect(
      await client.responses.create({
        model: MODEL,
        input: "Weather in Paris and Rome?",
        tools: [weatherTool],
        stream: true,
      }),
    );
    const final = expectWellFormed(events);
    expect(final.status).toBe("completed");
    expect(final.output.map((item) => item.type === "function_call" && JSON.parse(item.arguments))).toEqual([
      { location: "Paris, France" },
      { location: "Rome, Italy" },
    ]);
    for (const [outputIndex, item] of final.output.entries()) {
      if (item.type !== "function_call") throw new Error(`expected a function_call, got ${item.type}`);
      const mine = events.filter((event) => "output_index" in event && event.output_index === outputIndex);
      const kinds = mine.map((event) => event.type);
      expect(kinds[0]).toBe("response.output_item.added");
      expect(kinds.slice(-2)).toEqual(["response.function_call_arguments.done", "response.output_item.done"]);
      expect(kinds.slice(1, -2).every((kind) => kind === "response.function_call_arguments.delta")).toBe(
        true,
      );
      const added = mine[0];
      expect(added?.type === "response.output_item.added" && added.item).toMatchObject({
        type: "function_call",
        id: item.id,
        call_id: item.call_id,
        name: "get_weather",
        status: "in_progress",
      });
      const deltas = mine.flatMap((event) =>
        event.type === "response.function_call_arguments.delta" ? [event.delta] : [],
      );
      expect(deltas.join("")).toBe(item.arguments);
      const argumentsDone = mine.at(-2);
      expect(argumentsDone?.type === "response.function_call_arguments.done" && argumentsDone.arguments).toBe(
        item.arguments,
      );
    }
    // The first call was opened, and closed, before the second.
    const order = (type: string) =>
      events.flatMap((event) => (event.type === type && "output_index" in event ? [event.output_index] : []));
    expect(order("response.output_item.added")).toEqual([0, 1]);
    expect(order("response.output_item.done")).toEqual([0, 1]);
  } finally {
    stack.close();
  }
});

test("a failure mid-stream ends in one response.failed", async () => {
  const { client, stack } = startTestStack();
  try {
    const events = await collect(
      await client.responses.create({ model: MODEL, input: "Go on.", stream: true }),
    );
    const final = expectWellFormed(events);
    expect(events.at(-1)?.type).toBe("response.failed");
    expect(final.status).toBe("failed");
    expect(final.error?.code).toBe("server_error");
    expect(final.error?.message).toContain("upstream connection reset");
    expect(textDeltas(events)).toBe("This answer will");
    expect(events.some((event) => event.type === "response.completed")).toBe(false);

    const retrieved = await client.responses.retrieve(final.id);
    expect({ ...retrieved, output_text: undefined }).toEqual({ ...final, output_text: undefined });
  } finally {
    stack.close();
  }
});

test("an upstream HTTP error is response.failed when streaming and the SDK's error class otherwise", async () => {
  const { client, stack } = startTestStack();
  try {
    const events = await collect(await client.responses.create({ model: MODEL, input: "Hi", stream: true }));
    const final = expectWellFormed(events);
    expect(final.status).toBe("failed");
    expect(final.error).toEqual({
      code: "rate_limit_exceeded",
      message: expect.stringContaining("Rate limit reached for requests"),
    });

    const error = await client.responses
      .create({ model: MODEL, input: "Hi" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).status).toBe(429);
    expect((error as RateLimitError).message).toContain("Rate limit reached for requests");
  } finally {
    stack.close();
  }
});

test("a truncated stream ends in response.incomplete", async () => {
  const { client, stack } = startTestStack();
  try {
    const events = await collect(
      await client.responses.create({
        model: MODEL,
        input: "Long story",
        max_output_tokens: 2,
        stream: true,
      }),
    );
    const final = expectWellFormed(events);
    expect(events.at(-1)?.type).toBe("response.incomplete");
    expect(final.status).toBe("incomplete");
    expect(final.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(textDeltas(events)).toBe("Cut short");
  } finally {
    stack.close();
  }
});
