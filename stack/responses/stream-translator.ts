/**
 * One streamed chat completion → Responses output items and their streaming events.
 * Text and refusals go into one assistant message; each call of a client-side function
 * (by its `index`, so parallel calls stay in order) becomes a `function_call` item. Calls
 * of built-in tools make no events here: the tool loop gives them items of their own
 * once the turn is over. Items are closed when the upstream stream ends, in output order,
 * so that a provider interleaving the fragments of parallel calls still yields deltas
 * that join to each call's arguments.
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
import { type AssistantMessage, toolCall } from "./chat-messages.ts";
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

/** A tool call as the model made it; `builtin` ones are the stack's to run. */
export interface ModelToolCall {
  index: number;
  callId: string;
  name: string;
  arguments: string;
  builtin: boolean;
}

interface CallState extends ModelToolCall {
  /** Decided once the name is known; until then fragments are only gathered. */
  decided: boolean;
  item?: FunctionCallItem;
  outputIndex?: number;
}

export class ChatStreamTranslator {
  usage: ResponseUsage | undefined;
  finishReason: FinishReason = null;

  readonly #ids: Ids;
  /** The response's output, shared across turns; this turn appends to it. */
  readonly #output: OutputItem[];
  readonly #isBuiltin: (name: string) => boolean;
  /** Output indexes of the items this turn opened, in order. */
  readonly #opened: number[] = [];
  #message: MessageState | undefined;
  #text = "";
  #refusal = "";
  readonly #calls = new Map<number, CallState>();

  constructor(ids: Ids, output: OutputItem[] = [], isBuiltin: (name: string) => boolean = () => false) {
    this.#ids = ids;
    this.#output = output;
    this.#isBuiltin = isBuiltin;
  }

  /** The items this turn added to the output. */
  get output(): OutputItem[] {
    return this.#opened.map((index) => this.#output[index] as OutputItem);
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

  /**
   * Closes every item, in output order. A turn with nothing in it still answers with a
   * message, unless it called built-in tools (their items follow).
   */
  *finish(status: ItemStatus): Generator<PendingEvent> {
    for (const call of this.#sortedCalls()) {
      // A call whose name never came is the client's to make sense of.
      if (!call.decided) yield* this.#decide(call);
      // A call without an id could never be answered.
      if (!call.callId) call.callId = this.#ids.toolCall();
      // Sent back upstream on the next turn, where an empty string is not valid JSON.
      if (!call.arguments) call.arguments = "{}";
    }
    const calledBuiltins = this.calls().some((call) => call.builtin);
    if (this.#opened.length === 0 && !calledBuiltins) yield* this.#openMessage();
    for (const outputIndex of this.#opened) {
      const item = this.#output[outputIndex];
      if (item?.type === "message") yield* this.#closeMessage(status);
      else if (item?.type === "function_call") yield* this.#closeCall(item, outputIndex, status);
    }
  }

  /** Every tool call of the turn, in index order (complete after `finish`). */
  calls(): ModelToolCall[] {
    return this.#sortedCalls().map(({ index, callId, name, arguments: args, builtin }) => ({
      index,
      callId,
      name,
      arguments: args,
      builtin,
    }));
  }

  /** The turn as the next request's assistant message, as Llama Stack sends it back. */
  assistantMessage(): AssistantMessage {
    const calls = this.calls();
    const message: AssistantMessage = { role: "assistant", content: calls.length ? "" : this.#text };
    if (this.#refusal) message.refusal = this.#refusal;
    if (calls.length) {
      message.tool_calls = calls.map((call) => toolCall(call.index, call.callId, call.name, call.arguments));
    }
    return message;
  }

  #sortedCalls(): CallState[] {
    return [...this.#calls.values()].sort((a, b) => a.index - b.index);
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
    const state: MessageState = { item, outputIndex: this.#output.length, parts: {} };
    this.#message = state;
    this.#output.push(item);
    this.#opened.push(state.outputIndex);
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
      this.#text += delta;
      yield {
        type: "response.output_text.delta",
        ...where,
        content_index: contentIndex,
        delta,
        logprobs: [],
      };
    } else if (part?.type === "refusal") {
      part.refusal += delta;
      this.#refusal += delta;
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
    let call = this.#calls.get(delta.index);
    if (!call) {
      call = { index: delta.index, callId: "", name: "", arguments: "", builtin: false, decided: false };
      this.#calls.set(delta.index, call);
    }
    // Some servers send the id or the name in a later fragment than the first.
    if (delta.id && !call.callId) call.callId = delta.id;
    if (delta.function?.name && !call.name) call.name = delta.function.name;
    const fragment = delta.function?.arguments ?? "";
    call.arguments += fragment;
    if (!call.decided && call.name) yield* this.#decide(call);
    else if (call.item && fragment) yield this.#argumentsDelta(call, fragment);
  }

  /** A built-in call stays silent; a function call opens its item, with the arguments so far. */
  *#decide(call: CallState): Generator<PendingEvent> {
    call.decided = true;
    call.builtin = call.name !== "" && this.#isBuiltin(call.name);
    if (call.builtin) return;
    const item: FunctionCallItem = {
      id: this.#ids.functionCall(),
      type: "function_call",
      status: "in_progress",
      arguments: "",
      call_id: call.callId,
      name: call.name,
    };
    call.item = item;
    call.outputIndex = this.#output.length;
    this.#output.push(item);
    this.#opened.push(call.outputIndex);
    yield { type: "response.output_item.added", output_index: call.outputIndex, item: { ...item } };
    if (call.arguments) yield this.#argumentsDelta(call, call.arguments);
  }

  #argumentsDelta(call: CallState, delta: string): PendingEvent {
    const item = call.item as FunctionCallItem;
    item.arguments += delta;
    return {
      type: "response.function_call_arguments.delta",
      item_id: item.id,
      output_index: call.outputIndex as number,
      delta,
    };
  }

  *#closeCall(item: FunctionCallItem, outputIndex: number, status: ItemStatus): Generator<PendingEvent> {
    const call = [...this.#calls.values()].find((candidate) => candidate.item === item);
    if (call) {
      item.call_id = call.callId;
      item.arguments = call.arguments;
    }
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
