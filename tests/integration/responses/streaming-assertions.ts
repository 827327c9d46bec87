/**
 * Checks over a Responses event stream: `StreamingValidator`, ported from Llama Stack's
 * tests/integration/responses/streaming_assertions.py with the same assertions and
 * messages, and `expectWellFormedStream`, the sequence-number and item-lifecycle rules of
 * OpenAI's event stream, which the Python suite does not check.
 *
 * Checks that go over every event are done in plain code, and each property they check
 * gets one `expect`, over what a reader of the failure needs (the offending events): an
 * `expect` costs a stack trace, its source mapping and a report step, which per event
 * made these checks most of a replayed test's time.
 */
import { expect } from "@playwright/test";
import type { Response, ResponseStreamEvent } from "openai/resources/responses/responses";

export async function collectEvents(
  stream: AsyncIterable<ResponseStreamEvent>,
): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

function eventTypes(events: ResponseStreamEvent[]): string[] {
  return events.map((event) => event.type);
}

export interface EventSequenceOptions {
  /**
   * The terminal events the test accepts; by default `response.completed` and
   * `response.incomplete`. A test that expects the response to fail says so with
   * `["response.failed"]`: otherwise a failure (a replay miss, a provider error) would
   * pass for a stream that merely ended.
   */
  terminal?: ReadonlyArray<"response.completed" | "response.incomplete" | "response.failed">;
}

/**
 * `response.created` first, then `response.in_progress`; exactly one terminal event, last,
 * of the kinds the test accepts; sequence numbers 0, 1, 2, …
 */
export function expectBasicEventSequence(
  events: ResponseStreamEvent[],
  { terminal = ["response.completed", "response.incomplete"] }: EventSequenceOptions = {},
): void {
  const types = eventTypes(events);
  const last = events.at(-1);
  if (last?.type === "response.failed" && !terminal.includes("response.failed")) {
    throw new Error(
      `The stream ended in response.failed: ${last.response.error?.message ?? "(no message)"}\n` +
        'A test that expects a failed response passes { terminal: ["response.failed"] }.',
    );
  }
  expect(types[0], "the first event").toBe("response.created");
  expect(types[1], "the second event").toBe("response.in_progress");
  expect(
    types.filter((type) => TERMINAL.has(type)),
    "terminal events",
  ).toHaveLength(1);
  expect(TERMINAL.has(types.at(-1) ?? ""), `the last event is terminal, got ${types.at(-1)}`).toBe(true);
  expect(terminal, `the terminal event ${types.at(-1)} is one the test accepts`).toContain(types.at(-1));
  expect(
    events.map((event) => event.sequence_number),
    "sequence numbers",
  ).toEqual(events.map((_, index) => index));
}

/** The response the terminal event carries. */
export function finalResponse(events: ResponseStreamEvent[]): Response {
  const terminal = events.at(-1);
  if (!terminal || !("response" in terminal) || !TERMINAL.has(terminal.type)) {
    throw new Error(`The stream did not end with a terminal event: ${eventTypes(events).join(", ")}`);
  }
  return terminal.response;
}

/** The text of a response's output messages, as the SDK's `output_text` joins it. */
export function outputTextOf(response: Response): string {
  return response.output
    .flatMap((item) => (item.type === "message" ? item.content : []))
    .flatMap((part) => (part.type === "output_text" ? [part.text] : []))
    .join("");
}

/** A field an event may or may not have, as Python's `hasattr` asks. */
function field(event: ResponseStreamEvent, name: string): unknown {
  return (event as unknown as Record<string, unknown>)[name];
}

export class StreamingValidator {
  readonly eventTypes: string[];

  constructor(readonly chunks: ResponseStreamEvent[]) {
    this.eventTypes = chunks.map((chunk) => chunk.type);
  }

  /** Verify basic created -> completed event sequence. */
  assertBasicEventSequence(): void {
    expect(
      this.chunks.length,
      `Expected at least 2 chunks (created + completed), got ${this.chunks.length}`,
    ).toBeGreaterThanOrEqual(2);
    expect(this.chunks[0]?.type, `First chunk should be response.created, got ${this.chunks[0]?.type}`).toBe(
      "response.created",
    );
    const last = this.chunks.at(-1);
    // A failed response says why (a replay miss, a provider error): the reader needs that first.
    const why = last?.type === "response.failed" ? `: ${last.response.error?.message ?? "(no message)"}` : "";
    expect(last?.type, `Last chunk should be response.completed, got ${last?.type}${why}`).toBe(
      "response.completed",
    );
    const createdIndex = this.eventTypes.indexOf("response.created");
    const completedIndex = this.eventTypes.indexOf("response.completed");
    expect(createdIndex, "response.created should come before response.completed").toBeLessThan(
      completedIndex,
    );
  }

  /** Verify response ID consistency across events. */
  assertResponseConsistency(): void {
    const responseIds = new Set<unknown>();
    for (const chunk of this.chunks) {
      const responseId = field(chunk, "response_id");
      if (responseId !== undefined) responseIds.add(responseId);
      else if ("response" in chunk) responseIds.add(chunk.response.id);
    }
    expect(
      responseIds.size,
      `All events should reference the same response_id, found: ${[...responseIds].join(", ")}`,
    ).toBe(1);
  }

  /** Verify that content is delivered incrementally via delta events; returns the deltas joined. */
  assertHasIncrementalContent(): string {
    const deltas = this.chunks.filter((chunk) => chunk.type === "response.output_text.delta");
    expect(
      deltas.length,
      "Expected delta events for true incremental streaming, but found none",
    ).toBeGreaterThan(0);
    const nonEmpty = deltas.filter((chunk) => chunk.delta);
    const deltaContentTotal = nonEmpty.map((chunk) => chunk.delta).join("");
    expect(nonEmpty.length, "Delta events found but none contain content").toBeGreaterThan(0);
    expect(deltaContentTotal.length, "Delta events found but total delta content is empty").toBeGreaterThan(
      0,
    );
    return deltaContentTotal;
  }

  /** Verify the final response contains expected content. */
  assertContentQuality(expectedContent: string): void {
    const finalChunk = this.chunks.at(-1);
    if (finalChunk && "response" in finalChunk) {
      const outputText = outputTextOf(finalChunk.response).toLowerCase().trim();
      expect(outputText.length, "Response should have content").toBeGreaterThan(0);
      expect(outputText, `Expected '${expectedContent}' in response`).toContain(
        expectedContent.toLowerCase(),
      );
    }
  }

  /**
   * Verify tool call streaming events are present. MCP argument events are spelled as
   * OpenAI's SDK spells them (`response.mcp_call_arguments.delta`) or as Llama Stack 0.2 did
   * (`response.mcp_call.arguments.delta`).
   */
  assertHasToolCalls(): void {
    const types = this.eventTypes.join(", ");
    const count = (...wanted: string[]) => this.eventTypes.filter((type) => wanted.includes(type)).length;
    expect(
      count(
        "response.function_call_arguments.delta",
        "response.mcp_call_arguments.delta",
        "response.mcp_call.arguments.delta",
      ),
      `Expected tool call delta events, got chunk types: ${types}`,
    ).toBeGreaterThan(0);
    expect(
      count(
        "response.function_call_arguments.done",
        "response.mcp_call_arguments.done",
        "response.mcp_call.arguments.done",
      ),
      `Expected tool call done events, got chunk types: ${types}`,
    ).toBeGreaterThan(0);
    expect(
      count("response.output_item.added"),
      `Expected response.output_item.added events, got chunk types: ${types}`,
    ).toBeGreaterThan(0);
    expect(
      count("response.output_item.done"),
      `Expected response.output_item.done events, got chunk types: ${types}`,
    ).toBeGreaterThan(0);
  }

  /** Verify MCP-specific streaming events are present. */
  assertHasMcpEvents(): void {
    const types = this.eventTypes.join(", ");
    for (const wanted of [
      "response.mcp_call.in_progress",
      "response.mcp_call.completed",
      "response.mcp_list_tools.in_progress",
      "response.mcp_list_tools.completed",
    ]) {
      expect(
        this.eventTypes.filter((type) => type === wanted).length,
        `Expected ${wanted} events, got chunk types: ${types}`,
      ).toBeGreaterThan(0);
    }
  }

  /** Verify we have substantial streaming activity. */
  assertRichStreaming(minChunks = 10): void {
    expect(
      this.chunks.length,
      `Expected rich streaming with many events, got only ${this.chunks.length} chunks`,
    ).toBeGreaterThan(minChunks);
  }

  /** Validate the structure of various event types. */
  validateEventStructure(): void {
    const createdStatuses: unknown[] = [];
    const completedStatuses: unknown[] = [];
    const emptyItemIds: string[] = [];
    const nonIntegerSequenceNumbers: string[] = [];
    for (const [index, chunk] of this.chunks.entries()) {
      if (chunk.type === "response.created") createdStatuses.push(chunk.response.status);
      else if (chunk.type === "response.completed") completedStatuses.push(chunk.response.status);
      else if (field(chunk, "item_id") !== undefined) {
        if (!field(chunk, "item_id")) emptyItemIds.push(describeEvent(chunk, index));
      } else if (field(chunk, "sequence_number") !== undefined) {
        if (!Number.isInteger(chunk.sequence_number))
          nonIntegerSequenceNumbers.push(describeEvent(chunk, index));
      }
    }
    expect(createdStatuses, "the status of each response.created event").toEqual(
      createdStatuses.map(() => "in_progress"),
    );
    expect(completedStatuses, "the status of each response.completed event").toEqual(
      completedStatuses.map(() => "completed"),
    );
    expect(emptyItemIds, "Events with item_id should have non-empty item_id").toEqual([]);
    expect(nonIntegerSequenceNumbers, "sequence_number should be an integer").toEqual([]);
  }
}

/** An event as a failure names it: its index in the stream, its type, and what it holds. */
function describeEvent(event: ResponseStreamEvent, index: number): string {
  const text = JSON.stringify(event);
  return `#${index} ${event.type}: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}

/**
 * Beyond the Python suite, what OpenAI's event stream promises: the basic sequence (no
 * `response.failed` unless the test accepts it), and each output item added before it is
 * done, once, with its final form in `done` and in the final response at its output index.
 */
export function expectWellFormedStream(
  events: ResponseStreamEvent[],
  options: EventSequenceOptions = {},
): void {
  expectBasicEventSequence(events, options);
  const added = events.filter((event) => event.type === "response.output_item.added");
  const done = events.filter((event) => event.type === "response.output_item.done");
  expect(
    done.map((event) => event.item.id),
    "items done, in the order added",
  ).toEqual(added.map((event) => event.item.id));
  const { output } = finalResponse(events);
  expect(
    done.map((event) => ({ output_index: event.output_index, item: output[event.output_index] })),
    "output[output_index] of the final response is the item done there",
  ).toEqual(done.map((event) => ({ output_index: event.output_index, item: event.item })));
  const addedAt = new Map<string | undefined, number>();
  for (const [index, event] of events.entries())
    if (event.type === "response.output_item.added" && !addedAt.has(event.item.id))
      addedAt.set(event.item.id, index);
  const doneBeforeAdded = done
    .filter((event) => (addedAt.get(event.item.id) ?? Number.POSITIVE_INFINITY) > events.indexOf(event))
    .map(
      (event) =>
        `${event.item.id} done at #${events.indexOf(event)}, added at #${addedAt.get(event.item.id) ?? "never"}`,
    );
  expect(doneBeforeAdded, "each item added before it is done").toEqual([]);
}

/** Text arrives in pieces: several deltas, each non-empty, that join to the item's final text. */
export function expectIncrementalText(events: ResponseStreamEvent[], minimumDeltas = 2): string {
  const deltas = events.filter((event) => event.type === "response.output_text.delta");
  expect(deltas.length, "output_text.delta events").toBeGreaterThanOrEqual(minimumDeltas);
  expect(
    deltas.flatMap((delta, index) =>
      delta.delta.length > 0 ? [] : [`delta ${index}: ${JSON.stringify(delta)}`],
    ),
    "deltas without text",
  ).toEqual([]);
  const streamed = deltas.map((delta) => delta.delta).join("");
  const done = events.filter((event) => event.type === "response.output_text.done");
  expect(done.map((event) => event.text).join(""), "output_text.done holds the deltas joined").toBe(streamed);
  expect(outputTextOf(finalResponse(events)), "the final response's text is the deltas joined").toBe(
    streamed,
  );
  return streamed;
}
