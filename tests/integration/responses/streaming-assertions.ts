/**
 * What every Responses stream must honour, whatever the stack or the model: checks a
 * spec runs over the events it collected. Modelled on Llama Stack's
 * streaming_assertions.py, with the sequence-number and item-lifecycle rules of
 * OpenAI's event stream added.
 */
import { expect } from "@playwright/test";
import type {
  Response,
  ResponseFunctionToolCall,
  ResponseStreamEvent,
} from "openai/resources/responses/responses";

const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

export async function collectEvents(
  stream: AsyncIterable<ResponseStreamEvent>,
): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

export function eventTypes(events: ResponseStreamEvent[]): string[] {
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

/** Every event that names the response names the same one. */
export function expectOneResponseId(events: ResponseStreamEvent[]): void {
  const ids = new Set(events.flatMap((event) => ("response" in event ? [event.response.id] : [])));
  expect([...ids], "response ids across events").toHaveLength(1);
}

/** The text of a response's output messages, as the SDK's `output_text` joins it. */
export function outputTextOf(response: Response): string {
  return response.output
    .flatMap((item) => (item.type === "message" ? item.content : []))
    .flatMap((part) => (part.type === "output_text" ? [part.text] : []))
    .join("");
}

/** Each output item is added before it is done, once, at its output index, with its final form in `done`. */
export function expectItemLifecycle(events: ResponseStreamEvent[]): void {
  const added = events.filter((event) => event.type === "response.output_item.added");
  const done = events.filter((event) => event.type === "response.output_item.done");
  expect(
    done.map((event) => event.item.id),
    "items done, in the order added",
  ).toEqual(added.map((event) => event.item.id));
  const response = finalResponse(events);
  for (const event of done) {
    expect(
      response.output[event.output_index],
      `output[${event.output_index}] is the item done there`,
    ).toEqual(event.item);
    const addedAt = events.findIndex(
      (other) => other.type === "response.output_item.added" && other.item.id === event.item.id,
    );
    expect(addedAt, `${event.item.id} added before done`).toBeLessThan(events.indexOf(event));
  }
}

/** Text arrives in pieces: several deltas, each non-empty, that join to the item's final text. */
export function expectIncrementalText(events: ResponseStreamEvent[], minimumDeltas = 2): string {
  const deltas = events.filter((event) => event.type === "response.output_text.delta");
  expect(deltas.length, "output_text.delta events").toBeGreaterThanOrEqual(minimumDeltas);
  for (const delta of deltas) expect(delta.delta.length, "a delta's text").toBeGreaterThan(0);
  const streamed = deltas.map((delta) => delta.delta).join("");
  const done = events.filter((event) => event.type === "response.output_text.done");
  expect(done.map((event) => event.text).join(""), "output_text.done holds the deltas joined").toBe(streamed);
  expect(outputTextOf(finalResponse(events)), "the final response's text is the deltas joined").toBe(
    streamed,
  );
  return streamed;
}

/** A function call's argument deltas join to its final arguments. */
export function expectFunctionCallArguments(events: ResponseStreamEvent[]): ResponseFunctionToolCall[] {
  const calls = finalResponse(events).output.filter(
    (item): item is ResponseFunctionToolCall => item.type === "function_call",
  );
  for (const call of calls) {
    const streamed = events
      .filter((event) => event.type === "response.function_call_arguments.delta" && event.item_id === call.id)
      .map((event) => (event as { delta: string }).delta)
      .join("");
    const doneEvent = events.find(
      (event) => event.type === "response.function_call_arguments.done" && event.item_id === call.id,
    );
    expect(streamed, `argument deltas of ${call.name}`).toBe(call.arguments);
    expect(
      (doneEvent as { arguments?: string } | undefined)?.arguments,
      `arguments.done of ${call.name}`,
    ).toBe(call.arguments);
  }
  return calls;
}
