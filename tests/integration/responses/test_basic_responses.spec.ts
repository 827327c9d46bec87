/**
 * Ported from Llama Stack's tests/integration/responses/test_basic_responses.py
 * (f50ce11a3): plain answers, streamed and not, retrievable afterwards; conversations
 * carried by `previous_response_id`; images.
 */
import type OpenAI from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { expect, test } from "../fixtures/harness.ts";
import { BOTH_CLIENTS, portOf } from "../fixtures/ported.ts";
import {
  basicTestCases,
  imageTestCases,
  multiTurnImageTestCases,
  multiTurnTestCases,
  type ResponsesTestCase,
} from "./fixtures/test-cases.ts";
import {
  collectEvents,
  expectWellFormedStream,
  outputTextOf,
  StreamingValidator,
} from "./streaming-assertions.ts";

const python = portOf("tests/integration/responses/test_basic_responses.py");

python.parametrize(
  "test_response_non_streaming_basic",
  BOTH_CLIENTS,
  basicTestCases,
  (testCase, declared) => {
    test(...declared, async ({ client, textModel, testId }) => {
      const response = await client.responses.create({
        model: textModel,
        input: testCase.input,
        stream: false,
      });
      const outputText = response.output_text.toLowerCase().trim();
      expect(outputText.length).toBeGreaterThan(0);
      expect(outputText).toContain(testCase.expected.toLowerCase());

      const retrievedResponse = await client.responses.retrieve(response.id);
      expect(retrievedResponse.output_text).toBe(response.output_text);

      const nextResponse = await client.responses.create({
        model: textModel,
        input: "Repeat your previous response in all caps.",
        previous_response_id: response.id,
      });
      const nextOutputText = nextResponse.output_text.trim();
      // gpt-4o refused this second turn when Llama Stack recorded this case under this client
      // ("I'M SORRY, I CAN'T DO THAT."), which is why Llama Stack dropped the case: the
      // recording replays that refusal, and only this last check is expected to fail on it.
      test.fail(
        testId.endsWith("[client_with_models-txt=openai/gpt-4o-image_input]"),
        "gpt-4o refused to repeat its answer in Llama Stack's recording of this case",
      );
      expect(nextOutputText).toContain(testCase.expected.toUpperCase());
    });
  },
);

python.parametrize("test_response_streaming_basic", BOTH_CLIENTS, basicTestCases, (testCase, declared) => {
  test(...declared, async ({ client, textModel }) => {
    const response = await client.responses.create({
      model: textModel,
      input: testCase.input,
      stream: true,
    });

    // Python also times response.created (< 0.1 s): a speed target, which belongs in a
    // benchmark here, not in a test. That it comes first is checked.
    const events: ResponseStreamEvent[] = [];
    let responseId = "";
    for await (const chunk of response) {
      events.push(chunk);
      if (chunk.type === "response.created") {
        expect(events.length, "response.created should be the first event").toBe(1);
        expect(chunk.response.status).toBe("in_progress");
        responseId = chunk.response.id;
      } else if (chunk.type === "response.completed") {
        expect(events.length, "response.completed should come after response.created").toBeGreaterThanOrEqual(
          2,
        );
        expect(chunk.response.status).toBe("completed");
        expect(chunk.response.id, "Response ID should be consistent").toBe(responseId);

        const outputText = outputTextOf(chunk.response).toLowerCase().trim();
        expect(outputText.length, "Response should have content").toBeGreaterThan(0);
        expect(outputText, `Expected '${testCase.expected}' in response`).toContain(
          testCase.expected.toLowerCase(),
        );
      }
    }

    const validator = new StreamingValidator(events);
    validator.assertBasicEventSequence();
    validator.assertResponseConsistency();
    // Beyond the Python test: sequence numbers, and each output item's lifecycle.
    expectWellFormedStream(events);

    // Verify stored response matches streamed response
    const retrievedResponse = await client.responses.retrieve(responseId);
    const finalEvent = events.at(-1);
    expect(finalEvent && "response" in finalEvent).toBe(true);
    if (finalEvent && "response" in finalEvent) {
      expect(retrievedResponse.output_text).toBe(outputTextOf(finalEvent.response));
    }
  });
});

python.parametrize(
  "test_response_streaming_incremental_content",
  BOTH_CLIENTS,
  basicTestCases,
  (testCase, declared) => {
    test(...declared, async ({ client, textModel }) => {
      const events = await collectEvents(
        await client.responses.create({ model: textModel, input: testCase.input, stream: true }),
      );
      // What the stream said so far at each event: a delta's text, or a response's full text.
      const contentSnapshots = events.map((chunk) =>
        chunk.type === "response.output_text.delta"
          ? chunk.delta
          : "response" in chunk
            ? outputTextOf(chunk.response)
            : "",
      );

      const validator = new StreamingValidator(events);
      validator.assertBasicEventSequence();

      const eventTypes = events.map((event) => event.type);
      const createdIndex = eventTypes.indexOf("response.created");
      const completedIndex = eventTypes.indexOf("response.completed");
      const createdContent = contentSnapshots[createdIndex] ?? "";
      const completedContent = contentSnapshots[completedIndex] ?? "";

      expect(
        createdContent.length,
        `response.created should have empty content, got: ${JSON.stringify(createdContent.slice(0, 100))}`,
      ).toBe(0);
      expect(completedContent.length, "response.completed should have content").toBeGreaterThan(0);
      expect(completedContent.toLowerCase(), `Expected '${testCase.expected}' in final content`).toContain(
        testCase.expected.toLowerCase(),
      );

      const deltaContentTotal = validator.assertHasIncrementalContent();
      expect(
        deltaContentTotal.trim(),
        `Delta content '${deltaContentTotal}' should match final content '${completedContent}'`,
      ).toBe(completedContent.trim());

      // Verify timing: delta events should come between created and completed
      const misplaced = eventTypes.flatMap((type, index) =>
        type === "response.output_text.delta" && !(createdIndex < index && index < completedIndex)
          ? [index]
          : [],
      );
      expect(
        misplaced,
        `Delta events should be between created (${createdIndex}) and completed (${completedIndex})`,
      ).toEqual([]);
    });
  },
);

/** Python's two multi-turn tests share this body: each turn continues the last by id. */
const multiTurn =
  (testCase: ResponsesTestCase) =>
  async ({ client, textModel }: { client: OpenAI; textModel: string }) => {
    let previousResponseId: string | undefined;
    for (const [turnInput, turnExpected] of testCase.turns ?? []) {
      const response = await client.responses.create({
        model: textModel,
        input: turnInput,
        ...(previousResponseId ? { previous_response_id: previousResponseId } : {}),
      });
      previousResponseId = response.id;
      expect(response.output_text.toLowerCase()).toContain(turnExpected.toLowerCase());
    }
  };

python.parametrize(
  "test_response_non_streaming_multi_turn",
  BOTH_CLIENTS,
  multiTurnTestCases,
  (testCase, declared) => test(...declared, multiTurn(testCase)),
);

python.parametrize(
  "test_response_non_streaming_image",
  BOTH_CLIENTS,
  imageTestCases,
  (testCase, declared) => {
    test(...declared, async ({ client, textModel }) => {
      const response = await client.responses.create({
        model: textModel,
        input: testCase.input,
        stream: false,
      });
      expect(response.output_text.toLowerCase()).toContain(testCase.expected.toLowerCase());
    });
  },
);

python.parametrize(
  "test_response_non_streaming_multi_turn_image",
  BOTH_CLIENTS,
  multiTurnImageTestCases,
  (testCase, declared) => test(...declared, multiTurn(testCase)),
);
