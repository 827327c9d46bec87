/** Upstream payloads as a live provider sends them: real-looking ids and timestamps. */
import { seed } from "./fixtures.ts";

export function liveSeedChunks(): Array<Record<string, unknown>> {
  return seed().response.body.map((chunk) => ({
    ...chunk.__data__,
    id: "chatcmpl-live9f8e7d",
    created: 1_764_000_000,
  }));
}

export function textChunks(text: string): Array<Record<string, unknown>> {
  const base = {
    id: "chatcmpl-text123",
    object: "chat.completion.chunk",
    created: 1_764_000_001,
    model: "m-1",
  };
  const words = text.split(/(?<= )/);
  return [
    { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
    ...words.map((word) => ({
      ...base,
      choices: [{ index: 0, delta: { content: word }, finish_reason: null }],
    })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
  ];
}

export function chatCompletion(text: string): Record<string, unknown> {
  return {
    id: "chatcmpl-json456",
    object: "chat.completion",
    created: 1_764_000_002,
    model: "m-1",
    choices: [
      { index: 0, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop" },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  };
}

/** A Responses-API event stream, as OpenAI's server frames it. */
export function responsesEvents(text: string): Array<{ type: string } & Record<string, unknown>> {
  const response = {
    id: "resp_live01",
    object: "response",
    created_at: 1_764_000_003,
    status: "in_progress",
    model: "gpt-4o",
    output: [] as unknown[],
  };
  const item = {
    id: "msg_live01",
    type: "message",
    role: "assistant",
    status: "completed",
    content: [] as unknown[],
  };
  const part = { type: "output_text", text, annotations: [] };
  return [
    { type: "response.created", sequence_number: 0, response },
    { type: "response.in_progress", sequence_number: 1, response },
    {
      type: "response.output_item.added",
      sequence_number: 2,
      output_index: 0,
      item: { ...item, status: "in_progress" },
    },
    {
      type: "response.output_text.delta",
      sequence_number: 3,
      item_id: item.id,
      output_index: 0,
      content_index: 0,
      delta: text,
    },
    {
      type: "response.output_text.done",
      sequence_number: 4,
      item_id: item.id,
      output_index: 0,
      content_index: 0,
      text,
    },
    {
      type: "response.output_item.done",
      sequence_number: 5,
      output_index: 0,
      item: { ...item, content: [part] },
    },
    {
      type: "response.completed",
      sequence_number: 6,
      response: { ...response, status: "completed", output: [{ ...item, content: [part] }] },
    },
  ];
}

export function embeddingVectors(count: number, dims: number): number[][] {
  return Array.from({ length: count }, (_, row) =>
    Array.from({ length: dims }, (_, column) => Math.fround(Math.sin(row * 31 + column) / 3)),
  );
}

export function embeddingsResponse(
  vectors: number[][],
  encoding: "float" | "base64",
): Record<string, unknown> {
  return {
    object: "list",
    model: "text-embedding-3-small",
    data: vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding:
        encoding === "float" ? vector : Buffer.from(new Float32Array(vector).buffer).toString("base64"),
    })),
    usage: { prompt_tokens: 4, total_tokens: 4 },
  };
}
