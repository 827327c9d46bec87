/**
 * Turns a recording back into the HTTP response its API sends: JSON, or SSE framed
 * as chat completions frame it (`data:` lines, then `data: [DONE]`) or as the
 * Responses API does (`event:` lines, no terminator). The same function frames
 * streams in record mode, so record and replay hand the caller identical bytes.
 */
import type { RecordedResponse } from "../storage/recording-file.ts";
import { type EndpointKind, unwrapTyped } from "./endpoints.ts";
import { encodeSseEvent, SSE_DONE } from "./sse.ts";

const JSON_HEADERS = { "content-type": "application/json" };
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8" };
const TEXT_HEADERS = { "content-type": "text/plain; charset=utf-8" };

export function sseEventOf(kind: EndpointKind, chunk: unknown): string {
  const data = unwrapTyped(chunk);
  if (typeof data === "string") return encodeSseEvent({ data });
  const type = (data as { type?: unknown } | null)?.type;
  const event = kind === "responses" && typeof type === "string" ? type : undefined;
  return encodeSseEvent(
    event === undefined ? { data: JSON.stringify(data) } : { event, data: JSON.stringify(data) },
  );
}

export function sseTerminator(kind: EndpointKind): string {
  return kind === "responses" ? "" : encodeSseEvent({ data: SSE_DONE });
}

export function streamText(kind: EndpointKind, chunks: readonly unknown[]): string {
  // join() builds one flat string; += would build a rope that undici flattens again.
  const events = chunks.map((chunk) => sseEventOf(kind, chunk));
  events.push(sseTerminator(kind));
  return events.join("");
}

/** The JSON an API returns for a model list, from Llama Stack's list-of-models body. */
function modelListJson(endpoint: string, body: unknown): unknown {
  if (!Array.isArray(body)) return unwrapTyped(body);
  const models = body.map(unwrapTyped);
  return endpoint === "/api/tags" ? { models } : { object: "list", data: models };
}

export function replayResponse(kind: EndpointKind, endpoint: string, response: RecordedResponse): Response {
  if (response.is_exception) {
    const body = unwrapTyped(response.body);
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return new Response(text, { status: response.status ?? 500, headers: JSON_HEADERS });
  }
  if (response.is_streaming && Array.isArray(response.body)) {
    return new Response(streamText(kind, response.body), { status: 200, headers: SSE_HEADERS });
  }
  const json = kind === "models" ? modelListJson(endpoint, response.body) : unwrapTyped(response.body);
  // A body that was not JSON upstream was recorded as its text.
  if (typeof json === "string") return new Response(json, { status: 200, headers: TEXT_HEADERS });
  return new Response(JSON.stringify(json), { status: 200, headers: JSON_HEADERS });
}

export { JSON_HEADERS, SSE_HEADERS, TEXT_HEADERS };
