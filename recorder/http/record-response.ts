/**
 * Record mode: pass upstream's response on while capturing it. A stream is relayed
 * event by event, and its file is written only once upstream has finished it; a
 * network failure or a cancelled stream leaves no file behind.
 */

import { sha256Hex } from "../hashing/request-hash.ts";
import type { Redactor } from "../redaction/redactor.ts";
import { StreamRedactor } from "../redaction/stream.ts";
import type { RecordedResponse } from "../storage/recording-file.ts";
import {
  type EndpointKind,
  MODEL_TYPE,
  normalizeIdsAndTimes,
  OLLAMA_LIST_TYPE,
  wrapBody,
  wrapChunk,
} from "./endpoints.ts";
import { parseJsonOrText } from "./fetch-request.ts";
import { exceptionResponse } from "./recorded-error.ts";
import { replayResponse, SSE_HEADERS, sseEventOf, sseTerminator } from "./replay-response.ts";
import { SSE_DONE, SseParser } from "./sse.ts";

export interface RecordTarget {
  kind: EndpointKind;
  endpoint: string;
  hash: string;
  redactor: Redactor;
  /** A raw HTTP request (OGX's rerank and passthroughs): recorded with its status, whatever it is. */
  raw?: boolean;
  /** Writes the recording; `fileName` overrides `<hash>.json`. */
  save(response: RecordedResponse, fileName?: string): void;
}

export async function recordResponse(upstream: Response, target: RecordTarget): Promise<Response> {
  const contentType = upstream.headers.get("content-type") ?? "";
  const streams = contentType.includes("text/event-stream") && upstream.body;
  if (target.raw) {
    return streams && upstream.body
      ? recordRawStream(upstream.body, upstream.status, target)
      : recordRaw(upstream, target);
  }
  if (upstream.ok && streams && upstream.body) return recordStream(upstream.body, target);
  const text = await upstream.text();
  const data = target.redactor.knownSecrets(parseJsonOrText(text));
  if (!upstream.ok) {
    const recorded = exceptionResponse(upstream.status, data, isJson(text));
    target.save(recorded);
    return replayResponse(target.kind, target.endpoint, recorded);
  }
  if (target.kind === "models") return recordModelList(data, target);
  const normalized = normalizeIdsAndTimes(target.kind, data, target.hash);
  const recorded: RecordedResponse = { body: wrapBody(target.kind, normalized), is_streaming: false };
  target.save(recorded);
  return replayResponse(target.kind, target.endpoint, recorded);
}

/**
 * Llama Stack stores a model list as the list of models, one file per distinct set
 * of model ids (`models-<hash>-<digest>.json`), and merges them on replay.
 */
function recordModelList(data: unknown, target: RecordTarget): Response {
  const isOllama = target.endpoint === "/api/tags";
  const models = ((isOllama
    ? (data as { models?: unknown[] }).models
    : (data as { data?: unknown[] }).data) ?? []) as Array<Record<string, unknown>>;
  const ids = [...new Set(models.map((model) => String(isOllama ? model.model : model.id)))].sort();
  const digest = sha256Hex(ids.join("|")).slice(0, 8);
  const body = isOllama
    ? { __type__: OLLAMA_LIST_TYPE, __data__: data }
    : models.map((model) => ({ __type__: MODEL_TYPE, __data__: model }));
  const recorded: RecordedResponse = { body, is_streaming: false };
  target.save(recorded, `models-${target.hash}-${digest}.json`);
  return replayResponse(target.kind, target.endpoint, recorded);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A raw HTTP answer, as OGX records one: its status and JSON body, error or not. */
async function recordRaw(upstream: Response, target: RecordTarget): Promise<Response> {
  const body = target.redactor.knownSecrets(parseJsonOrText(await upstream.text()));
  const recorded: RecordedResponse = { status: upstream.status, body, is_streaming: false };
  target.save(recorded);
  return replayResponse(target.kind, target.endpoint, recorded, true);
}

/** A raw HTTP stream, as OGX records one: its lines, relayed as they come and written once it ends. */
function recordRawStream(
  upstream: ReadableStream<Uint8Array>,
  status: number,
  target: RecordTarget,
): Response {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const redactor = new StreamRedactor(target.redactor);
  const lines: string[] = [];
  let pending = "";
  const relay = (text: string, controller: TransformStreamDefaultController<Uint8Array>, ended: boolean) => {
    const parts = (pending + text).split(/\r?\n/);
    // The last part is a line still arriving (or "" after a newline); at the end it is one if not empty.
    pending = parts.pop() ?? "";
    if (ended && pending !== "") parts.push(pending);
    const released = parts.flatMap((line) => redactor.push(line));
    if (ended) released.push(...redactor.end());
    for (const line of released as string[]) lines.push(line);
    if (released.length) controller.enqueue(encoder.encode(`${released.join("\n")}\n`));
  };
  const capture = new TransformStream<Uint8Array, Uint8Array>({
    transform(bytes, controller) {
      relay(decoder.decode(bytes, { stream: true }), controller, false);
    },
    flush(controller) {
      relay(decoder.decode(), controller, true);
      target.save({ status, body: lines, is_streaming: true });
    },
  });
  return new Response(upstream.pipeThrough(capture), { status, headers: SSE_HEADERS });
}

function recordStream(upstream: ReadableStream<Uint8Array>, target: RecordTarget): Response {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const chunks: unknown[] = [];
  // Chunks that may hold part of a secret wait until it is known whole (see StreamRedactor).
  const redactor = new StreamRedactor(target.redactor);
  const relay = (
    events: ReturnType<SseParser["feed"]>,
    controller: TransformStreamDefaultController<Uint8Array>,
    ended = false,
  ) => {
    const released: unknown[] = [];
    for (const event of events) {
      if (event.data !== SSE_DONE) released.push(...redactor.push(parseJsonOrText(event.data)));
    }
    if (ended) released.push(...redactor.end());
    let text = "";
    for (const data of released) {
      const normalized = normalizeIdsAndTimes(target.kind, data, target.hash);
      const chunk = typeof normalized === "string" ? normalized : wrapChunk(target.kind, normalized);
      chunks.push(chunk);
      text += sseEventOf(target.kind, chunk);
    }
    if (text) controller.enqueue(encoder.encode(text));
  };
  const capture = new TransformStream<Uint8Array, Uint8Array>({
    transform(bytes, controller) {
      relay(parser.feed(decoder.decode(bytes, { stream: true })), controller);
    },
    flush(controller) {
      relay([...parser.feed(decoder.decode()), ...parser.end()], controller, true);
      target.save({ body: chunks, is_streaming: true });
      const terminator = sseTerminator(target.kind);
      if (terminator) controller.enqueue(encoder.encode(terminator));
    },
  });
  return new Response(upstream.pipeThrough(capture), { status: 200, headers: SSE_HEADERS });
}
