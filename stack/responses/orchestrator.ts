/**
 * One `POST /v1/responses`: prepare (everything that can be refused with a 4xx happens
 * here, before a stream starts), then run: one streamed chat completion upstream,
 * translated into the Responses event sequence with increasing `sequence_number`, ending
 * in exactly one terminal event. The response is stored before the terminal event is
 * emitted, so a `GET` issued on seeing it returns the same object.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { APIConnectionError, APIError } from "openai";
import type { ResponseError } from "openai/resources/responses/responses";
import { notFound, StackError } from "../errors.ts";
import type { StackPorts } from "../ports.ts";
import type { InferenceProvider } from "../providers/types.ts";
import type { ResponseStore } from "../store/response-store.ts";
import type { ToolRegistry } from "../tools/registry.ts";
import type { Ids } from "./ids.ts";
import { type ConversationItem, normalizeInput, type OutputItem, type StoredInputItem } from "./items.ts";
import type { CreateResponseBody } from "./request.ts";
import { failedResponse, finishedResponse, incompleteReason, initialResponse } from "./response-object.ts";
import { ChatStreamTranslator } from "./stream-translator.ts";
import { buildChatRequest, type ChatRequest } from "./to-chat.ts";
import type { PendingEvent, ResponseObject, StreamEvent } from "./types.ts";

export interface ResponseDeps {
  ports: StackPorts;
  ids: Ids;
  store: ResponseStore;
  tools: ToolRegistry;
  resolveProvider(model: string): InferenceProvider;
}

export interface PreparedResponse {
  body: CreateResponseBody;
  provider: InferenceProvider;
  initial: ResponseObject;
  inputItems: StoredInputItem[];
  context: ConversationItem[];
  chatRequest: ChatRequest;
}

export interface RunResult {
  response: ResponseObject;
  /** Why it failed, as the HTTP error a non-streaming request answers with. */
  failure?: StackError;
}

export function prepareResponse(body: CreateResponseBody, deps: ResponseDeps): PreparedResponse {
  const provider = deps.resolveProvider(body.model);
  const history = body.previous_response_id ? previousTurns(body.previous_response_id, deps.store) : [];
  const initial = initialResponse(body, deps.ids.response(), deps.ports.now());
  const inputItems = normalizeInput(body.input, deps.ids);
  const context = [...history, ...inputItems];
  const chatRequest = buildChatRequest(provider.upstreamModel(body.model), body, context, deps.tools);
  return { body, provider, initial, inputItems, context, chatRequest };
}

/** The conversation up to and including a stored response's output. */
function previousTurns(id: string, store: ResponseStore): ConversationItem[] {
  const previous = store.get(id);
  if (!previous) {
    throw notFound(
      `Previous response with id '${id}' not found.`,
      "previous_response_id",
      "previous_response_not_found",
    );
  }
  // The stack only ever outputs assistant messages and function calls.
  return [...previous.context, ...(previous.response.output as OutputItem[])];
}

/** `signal` aborts the upstream call: a caller that has gone away must not keep a model talking. */
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

  const translator = new ChatStreamTranslator(deps.ids);
  let response: ResponseObject;
  let failure: StackError | undefined;
  try {
    const chunks = await prepared.provider.streamChat(prepared.chatRequest, signal);
    for await (const chunk of chunks) {
      // Leaving the loop cancels the upstream stream, for a fetch that ignores the signal too.
      signal?.throwIfAborted();
      for (const event of translator.accept(chunk)) yield stamp(event);
    }
    const status = incompleteReason(translator.finishReason) ? "incomplete" : "completed";
    for (const event of translator.finish(status)) yield stamp(event);
    response = finishedResponse(
      initial,
      { output: translator.output, usage: translator.usage, finishReason: translator.finishReason },
      deps.ports.now(),
    );
  } catch (error) {
    failure = upstreamFailure(error, prepared.provider.id);
    response = failedResponse(initial, translator.partialOutput(), asResponseError(failure));
  }

  if (prepared.body.store !== false) {
    deps.store.save({ response, inputItems: prepared.inputItems, context: prepared.context });
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
  console.error(`[stack] inference via '${providerId}' failed:`, error);
  return new StackError(500, `Inference provider '${providerId}' failed: ${detail}`, {
    code: "server_error",
  });
}

function asResponseError(failure: StackError): ResponseError {
  return {
    code: failure.code === "rate_limit_exceeded" ? "rate_limit_exceeded" : "server_error",
    message: failure.message,
  };
}
