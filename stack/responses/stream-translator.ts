/**
 * Streamed chat-completion chunks → Responses output items and their streaming events.
 * Text and refusals go into one assistant message; each tool call (by its `index`, so
 * parallel calls stay in order) becomes a `function_call` item. Items are closed when
 * the upstream stream ends, in output order, so that a provider interleaving the
 * fragments of parallel calls still yields deltas that join to each call's arguments.
 */
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import type {
  ResponseFunctionToolCall,
  ResponseOutputMessage,
  ResponseOutputRefusal,
  ResponseOutputText,
  ResponseUsage,
} from "openai/resources/responses/responses";
import type { Ids } from "./ids.ts";
import type { OutputItem } from "./items.ts";
import type { PendingEvent } from "./types.ts";

type FinishReason = ChatCompletionChunk.Choice["finish_reason"];
type ItemStatus = "completed" | "incomplete";
type FunctionCallItem = ResponseFunctionToolCall & { id: string };
type Part = ResponseOutputText | ResponseOutputRefusal;

interface MessageState {
  item: ResponseOutputMessage;
  outputIndex: number;
  /** Content index of the text part and of the refusal part, once each has begun. */
  parts: Partial<Record<Part["type"], number>>;
}

export class ChatStreamTranslator {
  readonly output: OutputItem[] = [];
  usage: ResponseUsage | undefined;
  finishReason: FinishReason = null;

  readonly #ids: Ids;
  #message: MessageState | undefined;
  readonly #calls = new Map<number, { item: FunctionCallItem; outputIndex: number }>();

  constructor(ids: Ids) {
    this.#ids = ids;
  }

  *accept(chunk: ChatCompletionChunk): Generator<PendingEvent> {
    if (chunk.usage) this.usage = mapUsage(chunk.usage);
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) continue;
      const { delta } = choice;
      if (delta?.content) yield* this.#appendPart("output_text", delta.content);
      if (delta?.refusal) yield* this.#appendPart("refusal", delta.refusal);
      for (const call of delta?.tool_calls ?? []) yield* this.#appendCall(call);
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
  }

  /** Closes every item, in output order; a turn with nothing in it still answers with a message. */
  *finish(status: ItemStatus): Generator<PendingEvent> {
    if (this.output.length === 0) yield* this.#openMessage();
    for (const [outputIndex, item] of this.output.entries()) {
      if (item.type === "message") yield* this.#closeMessage(status);
      else yield* this.#closeCall(item, outputIndex, status);
    }
  }

  /** The items as far as they got, for a response that failed midway. */
  partialOutput(): OutputItem[] {
    return this.output.map((item) =>
      item.status === "in_progress" ? { ...item, status: "incomplete" } : item,
    );
  }

  *#openMessage(): Generator<PendingEvent, MessageState> {
    if (this.#message) return this.#message;
    const item: ResponseOutputMessage = {
      id: this.#ids.message(),
      type: "message",
      role: "assistant",
      status: "in_progress",
      content: [],
    };
    const state: MessageState = { item, outputIndex: this.output.length, parts: {} };
    this.#message = state;
    this.output.push(item);
    yield {
      type: "response.output_item.added",
      output_index: state.outputIndex,
      item: structuredClone(item),
    };
    return state;
  }

  *#appendPart(kind: Part["type"], delta: string): Generator<PendingEvent> {
    const message = yield* this.#openMessage();
    const where = { item_id: message.item.id, output_index: message.outputIndex };
    let contentIndex = message.parts[kind];
    if (contentIndex === undefined) {
      contentIndex = message.item.content.length;
      message.parts[kind] = contentIndex;
      const part: Part =
        kind === "output_text"
          ? { type: "output_text", text: "", annotations: [], logprobs: [] }
          : { type: "refusal", refusal: "" };
      message.item.content.push(part);
      yield { type: "response.content_part.added", ...where, content_index: contentIndex, part: { ...part } };
    }
    const part = message.item.content[contentIndex];
    if (part?.type === "output_text") {
      part.text += delta;
      yield {
        type: "response.output_text.delta",
        ...where,
        content_index: contentIndex,
        delta,
        logprobs: [],
      };
    } else if (part?.type === "refusal") {
      part.refusal += delta;
      yield { type: "response.refusal.delta", ...where, content_index: contentIndex, delta };
    }
  }

  *#closeMessage(status: ItemStatus): Generator<PendingEvent> {
    const message = this.#message;
    if (!message) return;
    if (message.item.content.length === 0) yield* this.#appendPart("output_text", "");
    const where = { item_id: message.item.id, output_index: message.outputIndex };
    for (const [contentIndex, part] of message.item.content.entries()) {
      if (part.type === "output_text") {
        yield {
          type: "response.output_text.done",
          ...where,
          content_index: contentIndex,
          text: part.text,
          logprobs: [],
        };
      } else {
        yield { type: "response.refusal.done", ...where, content_index: contentIndex, refusal: part.refusal };
      }
      yield { type: "response.content_part.done", ...where, content_index: contentIndex, part: { ...part } };
    }
    message.item.status = status;
    yield {
      type: "response.output_item.done",
      output_index: message.outputIndex,
      item: structuredClone(message.item),
    };
  }

  *#appendCall(delta: ChatCompletionChunk.Choice.Delta.ToolCall): Generator<PendingEvent> {
    let state = this.#calls.get(delta.index);
    if (!state) {
      const item: FunctionCallItem = {
        id: this.#ids.functionCall(),
        type: "function_call",
        status: "in_progress",
        arguments: "",
        call_id: delta.id ?? "",
        name: delta.function?.name ?? "",
      };
      state = { item, outputIndex: this.output.length };
      this.#calls.set(delta.index, state);
      this.output.push(item);
      yield { type: "response.output_item.added", output_index: state.outputIndex, item: { ...item } };
    } else {
      // Some servers send the id or the name in a later fragment than the first.
      if (delta.id && !state.item.call_id) state.item.call_id = delta.id;
      if (delta.function?.name && !state.item.name) state.item.name = delta.function.name;
    }
    const fragment = delta.function?.arguments;
    if (fragment) {
      state.item.arguments += fragment;
      yield {
        type: "response.function_call_arguments.delta",
        item_id: state.item.id,
        output_index: state.outputIndex,
        delta: fragment,
      };
    }
  }

  *#closeCall(item: FunctionCallItem, outputIndex: number, status: ItemStatus): Generator<PendingEvent> {
    // A call without an id could never be answered with a function_call_output.
    if (!item.call_id) item.call_id = this.#ids.toolCall();
    // Sent back upstream on the next turn, where an empty string is not valid JSON.
    if (!item.arguments) item.arguments = "{}";
    yield {
      type: "response.function_call_arguments.done",
      item_id: item.id,
      output_index: outputIndex,
      name: item.name,
      arguments: item.arguments,
    };
    item.status = status;
    yield { type: "response.output_item.done", output_index: outputIndex, item: { ...item } };
  }
}

export function mapUsage(usage: CompletionUsage): ResponseUsage {
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: {
      cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
      cache_write_tokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
  };
}
