/**
 * `StreamingValidator`, ported from Llama Stack's
 * tests/integration/responses/streaming_assertions.py (f50ce11a3): the same checks over a
 * Responses event stream, with the same messages. streaming-assertions.ts holds the rules
 * of OpenAI's event stream that the Python suite does not check.
 */
import { expect } from "@playwright/test";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { outputTextOf } from "./streaming-assertions.ts";

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
    for (const chunk of this.chunks) {
      if (chunk.type === "response.created") expect(chunk.response.status).toBe("in_progress");
      else if (chunk.type === "response.completed") expect(chunk.response.status).toBe("completed");
      else if (field(chunk, "item_id") !== undefined)
        expect(field(chunk, "item_id"), "Events with item_id should have non-empty item_id").toBeTruthy();
      else if (field(chunk, "sequence_number") !== undefined)
        expect(Number.isInteger(chunk.sequence_number), "sequence_number should be an integer").toBe(true);
    }
  }
}
