/**
 * The stream checks the suite uses, on hand-made streams: a well-formed stream passes, and
 * each broken property fails with the Python suite's message (or ours) and names the
 * offending events, each property with one expect however long the stream.
 */
import { expect, test } from "@playwright/test";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import {
  expectIncrementalText,
  expectWellFormedStream,
  StreamingValidator,
} from "../../integration/responses/streaming-assertions.ts";

const ITEM = { id: "msg_1", type: "message", role: "assistant", status: "completed" } as const;

/** A streamed answer of `pieces`, as the stack sends it. */
function stream(pieces: string[]): ResponseStreamEvent[] {
  const text = pieces.join("");
  const part = { type: "output_text", text, annotations: [] };
  const item = { ...ITEM, content: [part] };
  const response = (status: string, output: unknown[]) => ({
    id: "resp_1",
    object: "response",
    status,
    output,
  });
  const events = [
    { type: "response.created", response: response("in_progress", []) },
    { type: "response.in_progress", response: response("in_progress", []) },
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { ...ITEM, status: "in_progress", content: [] },
    },
    ...pieces.map((delta) => ({
      type: "response.output_text.delta",
      item_id: ITEM.id,
      output_index: 0,
      content_index: 0,
      delta,
    })),
    { type: "response.output_text.done", item_id: ITEM.id, output_index: 0, content_index: 0, text },
    { type: "response.output_item.done", output_index: 0, item },
    { type: "response.completed", response: response("completed", [item]) },
  ];
  return events.map(
    (event, index) => ({ ...event, sequence_number: index }) as unknown as ResponseStreamEvent,
  );
}

function failureOf(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the check passed");
}

test("a well-formed stream passes every check", () => {
  const events = stream(["Hum", "ans live ", "on Earth."]);
  const validator = new StreamingValidator(events);
  validator.assertBasicEventSequence();
  validator.assertResponseConsistency();
  expect(validator.assertHasIncrementalContent()).toBe("Humans live on Earth.");
  validator.assertContentQuality("earth");
  validator.validateEventStructure();
  expectWellFormedStream(events);
  expect(expectIncrementalText(events)).toBe("Humans live on Earth.");
});

test("an event with an empty item_id fails with Python's message, naming the event", () => {
  const events = stream(["Hello", " there"]);
  (events[4] as { item_id: string }).item_id = "";
  const message = failureOf(() => new StreamingValidator(events).validateEventStructure());
  expect(message).toContain("Events with item_id should have non-empty item_id");
  expect(message).toContain("#4 response.output_text.delta");
});

test("a response.created event that is not in progress fails, showing its status", () => {
  const events = stream(["Hello"]);
  (events[0] as { response: { status: string } }).response.status = "queued";
  const message = failureOf(() => new StreamingValidator(events).validateEventStructure());
  expect(message).toContain("the status of each response.created event");
  expect(message).toContain('"queued"');
});

test("an item whose final form differs from the response's output fails, showing both", () => {
  const events = stream(["Hello"]);
  const completed = events.at(-1) as unknown as { response: { output: Array<{ status: string }> } };
  completed.response.output = [{ ...ITEM, status: "incomplete" }];
  const message = failureOf(() => expectWellFormedStream(events));
  expect(message).toContain("output[output_index] of the final response is the item done there");
  expect(message).toContain('"incomplete"');
});

test("an item done before it is added fails, naming the item and both places", () => {
  const events = stream(["Hello"]);
  const addedIndex = events.findIndex((event) => event.type === "response.output_item.added");
  const [added] = events.splice(addedIndex, 1);
  events.splice(events.length - 1, 0, added as ResponseStreamEvent);
  for (const [index, event] of events.entries()) event.sequence_number = index;
  const message = failureOf(() => expectWellFormedStream(events));
  expect(message).toContain("each item added before it is done");
  expect(message).toContain("msg_1 done at #4, added at #5");
});

test("an empty delta fails, naming it", () => {
  const events = stream(["Hello", "", "there"]);
  const message = failureOf(() => expectIncrementalText(events));
  expect(message).toContain("deltas without text");
  expect(message).toContain("delta 1");
});
