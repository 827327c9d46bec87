/**
 * One `POST /v1/responses`: prepare (everything that can be refused with a 4xx happens
 * here, before a stream starts, including a built-in tool's backend refusing us), then
 * run the tool loop, as Llama Stack 0.2's meta-reference runs it: infer (one streamed
 * chat completion, translated into Responses events), run the built-in tool calls the
 * model made, give it their results and infer again, until it answers, calls a
 * client-side function, waits for an approval, or reaches `max_infer_iters`. Events carry
 * increasing `sequence_number`s and end in exactly one terminal event; the response is
 * stored before that event is emitted, so a `GET` issued on seeing it returns the same object.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { APIConnectionError, APIError, APIUserAbortError } from "openai";
import type { ResponseError, ResponseUsage } from "openai/resources/responses/responses";
import { notFound, StackError } from "../errors.ts";
import type { StackPorts } from "../ports.ts";
import type { InferenceProvider } from "../providers/types.ts";
import type { ResponseStore, StoredResponse } from "../store/response-store.ts";
import type { ToolRegistry } from "../tools/registry.ts";
import type { BuiltinCall, CallGate, CallOutcome } from "../tools/types.ts";
import { emitItem, runCalls, unfinished } from "./builtin-calls.ts";
import { type ChatMessage, toolMessage } from "./chat-messages.ts";
import type { Ids } from "./ids.ts";
import { inputToMessages } from "./input-to-messages.ts";
import { type ConversationItem, normalizeInput, type OutputItem, type StoredInputItem } from "./items.ts";
import type { CreateResponseBody } from "./request.ts";
import {
  addUsage,
  failedResponse,
  finishedResponse,
  incompleteReason,
  initialResponse,
} from "./response-object.ts";
import { ChatStreamTranslator, type ModelToolCall } from "./stream-translator.ts";
import { buildChatRequest } from "./to-chat.ts";
import { ToolSet } from "./tool-set.ts";
import type { IncompleteReason, PendingEvent, ResponseObject, StreamEvent } from "./types.ts";

/** Llama Stack's default bound on inference calls in one response. */
export const DEFAULT_MAX_INFER_ITERS = 10;
/** How many built-in calls of one turn run at the same time, unless the stack is told otherwise. */
export const DEFAULT_TOOL_CONCURRENCY = 4;

export interface ResponseDeps {
  ports: StackPorts;
  ids: Ids;
  store: ResponseStore;
  tools: ToolRegistry;
  resolveProvider(model: string): InferenceProvider;
  /** At most this many built-in calls of one turn run at once. */
  toolConcurrency?: number;
}

export interface PreparedResponse {
  body: CreateResponseBody;
  provider: InferenceProvider;
  initial: ResponseObject;
  inputItems: StoredInputItem[];
  context: ConversationItem[];
  /** The conversation as chat messages, before the first inference (instructions apart). */
  messages: ChatMessage[];
  tools: ToolSet;
}

export interface RunResult {
  response: ResponseObject;
  /** Why it failed, as the HTTP error a non-streaming request answers with. */
  failure?: StackError;
}

export async function prepareResponse(
  body: CreateResponseBody,
  deps: ResponseDeps,
  signal?: AbortSignal,
): Promise<PreparedResponse> {
  const provider = deps.resolveProvider(body.model);
  const previous = body.previous_response_id
    ? previousResponse(body.previous_response_id, deps.store)
    : undefined;
  const initial = initialResponse(body, deps.ids.response(), deps.ports.now());
  const inputItems = normalizeInput(body.input, deps.ids);
  const history = previous ? [...previous.context, ...(previous.response.output as OutputItem[])] : [];
  const earlier = previous ? (previous.messages ?? inputToMessages(history)) : [];
  const messages = [...earlier, ...inputToMessages(body.input, earlier)];
  const tools = await ToolSet.prepare(body.tools, deps.tools, {
    ports: deps.ports,
    ids: deps.ids,
    previous: previous?.response,
    input: inputItems,
    include: body.include ?? [],
    signal,
  });
  return { body, provider, initial, inputItems, context: [...history, ...inputItems], messages, tools };
}

function previousResponse(id: string, store: ResponseStore): StoredResponse {
  const previous = store.get(id);
  if (!previous) {
    throw notFound(
      `Previous response with id '${id}' not found.`,
      "previous_response_id",
      "previous_response_not_found",
    );
  }
  return previous;
}

/** `signal` aborts the upstream calls: a caller that has gone away must not keep a model talking. */
export async function* runResponse(
  prepared: PreparedResponse,
  deps: ResponseDeps,
  signal?: AbortSignal,
): AsyncGenerator<StreamEvent, RunResult> {
  let sequence = 0;
  const stamp = (event: PendingEvent): StreamEvent =>
    ({ ...event, sequence_number: sequence++ }) as StreamEvent;
  const { initial } = prepared;

  yield stamp({ type: "response.created", response: initial });
  yield stamp({ type: "response.in_progress", response: initial });

  const loop = new ToolLoop(prepared, deps, signal);
  let response: ResponseObject;
  let failure: StackError | undefined;
  try {
    for await (const event of loop.run()) yield stamp(event);
    response = finishedResponse(
      initial,
      { output: loop.output, usage: loop.usage, incomplete: loop.incomplete },
      deps.ports.now(),
    );
  } catch (error) {
    failure = error instanceof StackError ? error : stackFailure(error);
    response = failedResponse(initial, loop.output.map(unfinished), asResponseError(failure));
  }

  if (prepared.body.store !== false) {
    deps.store.save({
      response,
      inputItems: prepared.inputItems,
      context: prepared.context,
      messages: loop.messages,
    });
  }
  const terminal =
    response.status === "failed"
      ? "response.failed"
      : response.status === "incomplete"
        ? "response.incomplete"
        : "response.completed";
  yield stamp({ type: terminal, response });
  return failure ? { response, failure } : { response };
}

/** The inference ↔ built-in tools loop of one response; its state is what the response is made of. */
class ToolLoop {
  readonly output: OutputItem[] = [];
  usage: ResponseUsage | undefined;
  incomplete: IncompleteReason | undefined;
  /** The conversation so far: what a continuation of this response starts from. */
  messages: ChatMessage[];
  /** Files the built-in calls so far let the model cite, for the answer's annotations. */
  readonly citations: Record<string, string> = {};

  readonly #prepared: PreparedResponse;
  readonly #deps: ResponseDeps;
  readonly #signal: AbortSignal | undefined;

  constructor(prepared: PreparedResponse, deps: ResponseDeps, signal: AbortSignal | undefined) {
    this.#prepared = prepared;
    this.#deps = deps;
    this.#signal = signal;
    this.messages = prepared.messages;
  }

  async *run(): AsyncGenerator<PendingEvent> {
    const { tools, body } = this.#prepared;
    yield* runCalls(tools.preamble, this.output, 1);
    const maxTurns = body.max_infer_iters ?? DEFAULT_MAX_INFER_ITERS;
    for (let turn = 1; ; turn++) {
      const translator = new ChatStreamTranslator(
        this.#deps.ids,
        this.output,
        tools.isBuiltin,
        this.citations,
      );
      yield* this.#infer(translator);
      const finishedShort = incompleteReason(translator.finishReason);
      for (const event of translator.finish(finishedShort ? "incomplete" : "completed")) yield event;
      this.usage = addUsage(this.usage, translator.usage);
      const assistant = translator.assistantMessage();
      const calls = translator.calls();
      const builtinCalls = calls.filter((call) => call.builtin);
      if (finishedShort || builtinCalls.length === 0) {
        this.messages = [...this.messages, assistant];
        this.incomplete = finishedShort;
        return;
      }
      const gates = builtinCalls.map((call) => this.#gate(call));
      if (gates.some((gate) => gate.kind !== "run")) {
        // As Llama Stack does, a turn waiting for (or refused) approval is not kept: the
        // continuation that answers the request asks the model again.
        for (const gate of gates) if (gate.kind === "ask") yield* emitItem(gate.item, this.output);
        return;
      }
      const started = builtinCalls.map((call) => this.#start(call));
      const outcomes = yield* this.#run(started);
      for (const outcome of outcomes) Object.assign(this.citations, outcome.citations);
      const results = builtinCalls.map((call, index) =>
        toolMessage(call.callId, outcomes[index]?.result ?? "Tool execution failed"),
      );
      this.messages = [...this.messages, assistant, ...results];
      // The client has calls of its own to answer before the model can go on.
      if (calls.length > builtinCalls.length) return;
      if (turn >= maxTurns) {
        this.incomplete = "max_infer_iters";
        return;
      }
    }
  }

  async *#infer(translator: ChatStreamTranslator): AsyncGenerator<PendingEvent> {
    const { provider, body, tools } = this.#prepared;
    const request = buildChatRequest(
      provider.upstreamModel(body.model),
      body,
      this.messages,
      tools.chatTools,
    );
    try {
      const chunks = await provider.streamChat(request, this.#signal);
      for await (const chunk of chunks) {
        // Leaving the loop cancels the upstream stream, for a fetch that ignores the signal too.
        this.#signal?.throwIfAborted();
        yield* translator.accept(chunk);
      }
    } catch (error) {
      throw upstreamFailure(error, provider.id);
    }
  }

  async *#run(calls: BuiltinCall[]): AsyncGenerator<PendingEvent, CallOutcome[]> {
    try {
      return yield* runCalls(calls, this.output, this.#deps.toolConcurrency ?? DEFAULT_TOOL_CONCURRENCY);
    } catch (error) {
      // The tool's own failures are failed items; this is the stack's (a replay miss, a missing script).
      const detail = error instanceof Error ? error.message : String(error);
      throw new StackError(500, `A built-in tool call failed: ${detail}`, { code: "server_error" });
    }
  }

  #gate(call: ModelToolCall): CallGate {
    const tool = this.#prepared.tools.builtinFor(call.name);
    return tool?.gate?.(call) ?? { kind: "run" };
  }

  #start(call: ModelToolCall): BuiltinCall {
    const tool = this.#prepared.tools.builtinFor(call.name);
    if (!tool) throw new Error(`No built-in tool runs '${call.name}'.`);
    return tool.start(call, { ports: this.#deps.ports, ids: this.#deps.ids, signal: this.#signal });
  }
}

/** Drains the events of a non-streaming request down to its final response. */
export async function finalResponse(events: AsyncGenerator<StreamEvent, RunResult>): Promise<RunResult> {
  for (;;) {
    const next = await events.next();
    if (next.done) return next.value;
  }
}

// Upstream statuses that describe the request itself are passed on; the rest (the stack's
// own credentials refused, the provider down) are the stack's failure, a 500.
const PASSED_ON = new Set([400, 404, 413, 422, 429]);

function upstreamFailure(error: unknown, providerId: string): StackError {
  // The SDK wraps a fetch that rejects (a replay miss, a missing script, the network) as
  // "Connection error."; the reason a person needs is its cause.
  if (error instanceof APIConnectionError && error.cause instanceof Error) {
    return new StackError(500, `Inference provider '${providerId}' failed: ${error.cause.message}`, {
      code: "server_error",
    });
  }
  if (error instanceof APIError) {
    const body = error.error as { message?: unknown; code?: unknown } | undefined;
    const detail = typeof body?.message === "string" ? body.message : error.message;
    const status = error.status !== undefined && PASSED_ON.has(error.status) ? error.status : 500;
    return new StackError(
      status as ContentfulStatusCode,
      `Inference provider '${providerId}' failed: ${detail}`,
      {
        code:
          error.status === 429
            ? "rate_limit_exceeded"
            : typeof body?.code === "string"
              ? body.code
              : "server_error",
      },
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  // A caller that went away is no failure of the stack's: nothing to log.
  if (!isAbort(error)) console.error(`[stack] inference via '${providerId}' failed:`, error);
  return new StackError(500, `Inference provider '${providerId}' failed: ${detail}`, {
    code: "server_error",
  });
}

function isAbort(error: unknown): boolean {
  return error instanceof APIUserAbortError || (error instanceof Error && error.name === "AbortError");
}

function stackFailure(error: unknown): StackError {
  console.error("[stack] a response failed:", error);
  const detail = error instanceof Error ? error.message : String(error);
  return new StackError(500, `The stack failed: ${detail}`, { code: "server_error" });
}

function asResponseError(failure: StackError): ResponseError {
  return {
    code: failure.code === "rate_limit_exceeded" ? "rate_limit_exceeded" : "server_error",
    message: failure.message,
  };
}
