/**
 * Turns a recording back into the HTTP response its API sends: JSON, or SSE framed
 * as chat completions frame it (`data:` lines, then `data: [DONE]`) or as the
 * Responses API does (`event:` lines, no terminator). The same function frames
 * streams in record mode, so record and replay hand the caller identical bytes.
 */
import type { RecordedResponse } from "../storage/recording-types.ts";
import { type EndpointKind, unwrapTyped } from "./endpoints.ts";
import { RecordedExceptionError, recordedError } from "./recorded-error.ts";
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

/** An HTTP answer, before it becomes a Response: a Response's body can be read only once. */
interface Wire {
  text: string;
  status: number;
  headers: Record<string, string>;
}

/**
 * The answers already framed, per recorded response object: the store hands out the same
 * object while its file is unchanged (parsed-cache.ts), so framing a stream's chunks again
 * (a JSON.stringify per chunk) is done once per file and kind.
 */
const framed = new WeakMap<RecordedResponse, Map<string, Wire>>();

/** `raw`: a raw HTTP request's recording (OGX's rerank and passthroughs), answered with its own status. */
export function replayResponse(
  kind: EndpointKind,
  endpoint: string,
  response: RecordedResponse,
  raw = false,
): Response {
  const key = `${kind} ${endpoint} ${raw}`;
  const byKey = framed.get(response) ?? new Map<string, Wire>();
  framed.set(response, byKey);
  let wire = byKey.get(key);
  if (!wire) {
    wire = wireOf(kind, endpoint, response, raw);
    byKey.set(key, wire);
  }
  return new Response(wire.text, { status: wire.status, headers: wire.headers });
}

function wireOf(kind: EndpointKind, endpoint: string, response: RecordedResponse, raw: boolean): Wire {
  if (response.is_exception) return replayError(kind, response);
  if (raw) return replayRaw(response);
  if (response.is_streaming && Array.isArray(response.body)) {
    return { text: streamText(kind, response.body), status: 200, headers: SSE_HEADERS };
  }
  const json = kind === "models" ? modelListJson(endpoint, response.body) : unwrapTyped(response.body);
  // A body that was not JSON upstream was recorded as its text.
  if (typeof json === "string") return { text: json, status: 200, headers: TEXT_HEADERS };
  return { text: JSON.stringify(json), status: 200, headers: JSON_HEADERS };
}

/**
 * A recorded error: the same HTTP answer, so the SDK raises the same class with the same
 * status and body; a stream that failed midway replays its chunks, then the error event;
 * a call that raised without an HTTP answer rejects.
 */
function replayError(kind: EndpointKind, response: RecordedResponse): Wire {
  const error = recordedError(response);
  if (response.is_streaming && Array.isArray(response.body)) {
    const chunks = response.body.map((chunk) => sseEventOf(kind, chunk)).join("");
    const wire = (error.wireBody as { error?: unknown } | undefined)?.error ?? { message: error.message };
    return {
      text: `${chunks}${encodeSseEvent({ data: JSON.stringify({ error: wire }) })}`,
      status: 200,
      headers: SSE_HEADERS,
    };
  }
  if (error.status === undefined) throw new RecordedExceptionError(error.message);
  const text = typeof error.wireBody === "string" ? error.wireBody : JSON.stringify(error.wireBody);
  return { text, status: error.status, headers: JSON_HEADERS };
}

/** A raw HTTP request's answer: its status, and its JSON, or for a stream its lines. */
function replayRaw(response: RecordedResponse): Wire {
  const status = response.status ?? 200;
  if (response.is_streaming && Array.isArray(response.body)) {
    const text = `${response.body.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n")}\n`;
    return { text, status, headers: SSE_HEADERS };
  }
  const body = response.body;
  if (typeof body === "string") return { text: body, status, headers: TEXT_HEADERS };
  return { text: JSON.stringify(body), status, headers: JSON_HEADERS };
}

export { JSON_HEADERS, SSE_HEADERS, TEXT_HEADERS };
