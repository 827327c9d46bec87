/**
 * Basic responses, ported from Llama Stack's test_basic_responses.py: plain answers,
 * streamed and not, retrievable afterwards, and conversations carried by
 * `previous_response_id`.
 */
import { expect, test } from "../fixtures/harness.ts";
import { basicCases, multiTurnCases } from "./cases.ts";
import {
  collectEvents,
  expectBasicEventSequence,
  expectIncrementalText,
  expectItemLifecycle,
  expectOneResponseId,
  finalResponse,
  outputTextOf,
} from "./streaming-assertions.ts";

test.describe("non-streaming basic", () => {
  for (const testCase of basicCases) {
    test(testCase.id, async ({ client, textModel, recorder }) => {
      const response = await client.responses.create({
        model: textModel,
        input: testCase.input,
        stream: false,
      });
      const text = response.output_text.toLowerCase().trim();
      expect(text.length).toBeGreaterThan(0);
      expect(text).toContain(testCase.expected);
      expect(response.status).toBe("completed");

      const retrieved = await client.responses.retrieve(response.id);
      expect(retrieved).toEqual(response);

      const next = await client.responses.create({
        model: textModel,
        input: "Repeat your previous response in all caps.",
        previous_response_id: response.id,
      });
      expect(next.output_text.trim()).toContain(testCase.expected.toUpperCase());
      expect(next.previous_response_id).toBe(response.id);

      // Below the stack: two model calls, the second carrying the first answer back.
      const calls = await recorder.interactions();
      expect(calls.map((call) => call.call)).toEqual([
        expect.stringMatching(/^POST \S*\/chat\/completions /),
        expect.stringMatching(/^POST \S*\/chat\/completions /),
      ]);
      const followUp = calls[1]?.request.body as { messages: Array<{ role: string; content: string }> };
      expect(followUp.messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
      expect(followUp.messages[1]?.content).toBe(response.output_text);
    });
  }
});

test.describe("streaming basic", () => {
  for (const testCase of basicCases) {
    test(testCase.id, async ({ client, textModel }) => {
      const events = await collectEvents(
        await client.responses.create({ model: textModel, input: testCase.input, stream: true }),
      );
      expectBasicEventSequence(events);
      expectOneResponseId(events);
      expectItemLifecycle(events);
      expectIncrementalText(events, 1);
      const completed = finalResponse(events);
      expect(completed.status).toBe("completed");
      const text = outputTextOf(completed).toLowerCase().trim();
      expect(text.length).toBeGreaterThan(0);
      expect(text).toContain(testCase.expected);

      const retrieved = await client.responses.retrieve(completed.id);
      expect(retrieved.output_text).toBe(outputTextOf(completed));
      expect(retrieved.output).toEqual(completed.output);
    });
  }
});

test.describe("incremental content", () => {
  for (const testCase of basicCases) {
    test(testCase.id, async ({ client, textModel }) => {
      const events = await collectEvents(
        await client.responses.create({ model: textModel, input: testCase.input, stream: true }),
      );
      expectBasicEventSequence(events);
      const streamed = expectIncrementalText(events);
      expect(streamed.toLowerCase()).toContain(testCase.expected);
      // Content parts open before their first delta and close after their last.
      const types = events.map((event) => event.type);
      expect(types.indexOf("response.content_part.added")).toBeLessThan(
        types.indexOf("response.output_text.delta"),
      );
      expect(types.lastIndexOf("response.output_text.delta")).toBeLessThan(
        types.indexOf("response.content_part.done"),
      );
    });
  }
});

test.describe("multi-turn", () => {
  for (const testCase of multiTurnCases) {
    test(testCase.id, async ({ client, textModel }) => {
      let previousResponseId: string | undefined;
      for (const turn of testCase.turns) {
        const response = await client.responses.create({
          model: textModel,
          input: turn.input,
          ...(previousResponseId ? { previous_response_id: previousResponseId } : {}),
        });
        expect(response.output_text.toLowerCase()).toContain(turn.expected);
        previousResponseId = response.id;
      }
    });
  }
});
